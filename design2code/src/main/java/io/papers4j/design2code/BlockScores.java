package io.papers4j.design2code;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The four block-level scores from a matching, as in the official {@code visual_eval_v3_multi}.
 * If nothing is matched all four are 0 (the official edge case; the visual score is still
 * computed by the caller).
 */
public final class BlockScores {
  private BlockScores() {}

  /** {block, text, position, color}. */
  public static double[] compute(BlockMatcher.Matching m) {
    List<Block> pred = m.predicted(), ref = m.reference();
    if (m.pairs().isEmpty()) return new double[4];
    Set<Integer> usedA = new HashSet<>(), usedB = new HashSet<>();
    for (BlockMatcher.Pair p : m.pairs()) {
      usedA.add(p.i());
      usedB.add(p.j());
    }
    double unmatched = 0;
    for (int i = 0; i < pred.size(); i++) if (!usedA.contains(i)) unmatched += pred.get(i).area();
    for (int j = 0; j < ref.size(); j++) if (!usedB.contains(j)) unmatched += ref.get(j).area();
    double matched = 0, text = 0, pos = 0, col = 0;
    for (BlockMatcher.Pair p : m.pairs()) {
      Block a = pred.get(p.i()), b = ref.get(p.j());
      matched += a.area() + b.area();
      text += p.textSimilarity();
      pos += 1 - Math.max(Math.abs(a.centerX() - b.centerX()), Math.abs(a.centerY() - b.centerY()));
      col += ColorDifference.similarity(a.color(), b.color());
    }
    int n = m.pairs().size();
    return new double[] {matched / (matched + unmatched), text / n, pos / n, col / n};
  }
}
