package io.papers4j.lm.saullm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Balanced accuracy, the metric of LegalBench and of the SaulLM paper: the mean over the gold
 * classes of the recall of each class (scikit-learn's {@code balanced_accuracy_score}). A
 * prediction outside the gold classes counts as wrong for its row; classes that appear only among
 * the predictions add no term.
 */
public final class BalancedAccuracy {
  private BalancedAccuracy() {}

  /** Balanced accuracy of {@code predicted} against {@code gold} (same length, at least one row). */
  public static double of(List<String> gold, List<String> predicted) {
    if (gold.size() != predicted.size()) {
      throw new IllegalArgumentException("gold has " + gold.size() + " rows, predictions " + predicted.size());
    }
    if (gold.isEmpty()) throw new IllegalArgumentException("balanced accuracy of zero rows is undefined");
    Map<String, int[]> perClass = new LinkedHashMap<>(); // class -> {correct, total}
    for (int i = 0; i < gold.size(); i++) {
      int[] c = perClass.computeIfAbsent(gold.get(i), k -> new int[2]);
      c[1]++;
      if (gold.get(i).equals(predicted.get(i))) c[0]++;
    }
    double sum = 0;
    for (int[] c : perClass.values()) sum += (double) c[0] / c[1];
    return sum / perClass.size();
  }
}
