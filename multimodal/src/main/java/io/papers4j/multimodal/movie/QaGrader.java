package io.papers4j.multimodal.movie;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The deterministic grader that replaces the paper's GPT-3.5 judge: answers are normalised
 * (lower case, punctuation removed, whitespace collapsed) and scored by exact match and by SQuAD's
 * token F1 (harmonic mean of precision and recall of the bag of tokens).
 */
public final class QaGrader {
  private QaGrader() {}

  /** Lower-cased tokens without punctuation. */
  public static List<String> tokens(String s) {
    List<String> out = new ArrayList<>();
    if (s == null) return out;
    for (String w : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 ]", " ").trim().split("\\s+")) if (!w.isEmpty()) out.add(w);
    return out;
  }

  /** 1 if the normalised answers are equal, else 0. */
  public static double exactMatch(String predicted, String reference) {
    return tokens(predicted).equals(tokens(reference)) ? 1 : 0;
  }

  /** Token F1 in [0, 1]; two empty answers score 1. */
  public static double f1(String predicted, String reference) {
    List<String> p = tokens(predicted), r = tokens(reference);
    if (p.isEmpty() || r.isEmpty()) return p.isEmpty() && r.isEmpty() ? 1 : 0;
    Map<String, Integer> counts = new HashMap<>();
    for (String w : r) counts.merge(w, 1, Integer::sum);
    int common = 0;
    for (String w : p) {
      Integer c = counts.get(w);
      if (c != null && c > 0) {
        common++;
        counts.put(w, c - 1);
      }
    }
    if (common == 0) return 0;
    double precision = (double) common / p.size(), recall = (double) common / r.size();
    return 2 * precision * recall / (precision + recall);
  }

  /** Mean exact match and F1 per question type, from (type, predicted, reference) triples. */
  public static Map<String, double[]> byType(List<String[]> graded) {
    Map<String, double[]> acc = new java.util.LinkedHashMap<>(); // type → {em sum, f1 sum, n}
    for (String[] g : graded) {
      double[] a = acc.computeIfAbsent(g[0], k -> new double[3]);
      a[0] += exactMatch(g[1], g[2]);
      a[1] += f1(g[1], g[2]);
      a[2]++;
    }
    Map<String, double[]> out = new java.util.LinkedHashMap<>();
    acc.forEach((k, a) -> out.put(k, new double[] {a[0] / a[2], a[1] / a[2], a[2]}));
    return out;
  }
}
