package io.papers4j.lm.reasoning;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expert iteration keeps the correct samples and removes duplicates. Two keys: the solution text
 * with whitespace collapsed (the default), and the paper's diversity notion, the sequence of
 * arithmetic operations in the calculator annotations ({@code <<3*4=12>>} contributes "3*4").
 */
public final class Dedup {
  private Dedup() {}

  private static final Pattern ANNOTATION = Pattern.compile("<<([^=<>]*)=[^<>]*>>");

  /** Whitespace-collapsed, trimmed text. */
  public static String textKey(String solution) {
    return solution.strip().replaceAll("\\s+", " ");
  }

  /** The calculator expressions in order, joined by ';' (spaces removed). */
  public static String operationKey(String solution) {
    Matcher m = ANNOTATION.matcher(solution);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      if (sb.length() > 0) sb.append(';');
      sb.append(m.group(1).replace(" ", "").replace(",", ""));
    }
    return sb.toString();
  }

  /** The items whose key was not seen before, first occurrence kept, order preserved. */
  public static <T> List<T> unique(List<T> items, Function<T, String> key) {
    Set<String> seen = new LinkedHashSet<>();
    List<T> out = new ArrayList<>();
    for (T item : items) if (seen.add(key.apply(item))) out.add(item);
    return out;
  }

  /** Number of distinct operation sequences among {@code solutions} (the paper's diversity). */
  public static int distinctOperationSequences(List<String> solutions) {
    Set<String> s = new LinkedHashSet<>();
    for (String x : solutions) s.add(operationKey(x));
    return s.size();
  }
}
