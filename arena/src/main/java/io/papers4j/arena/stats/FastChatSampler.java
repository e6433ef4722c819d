package io.papers4j.arena.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The production pair sampler of FastChat's {@code gradio_block_arena_anony.get_battle_pair}
 * (which is not eq. 9, see FastChat issue #3381): model 1 is drawn with hand-set weights (×5 for
 * boosted models, 0 for models in outage), the rival from the same weights except that models in
 * {@code targets[model1]} share {@code total_weight} equally ("boost to ~50%"); then A/B positions
 * are swapped with probability 1/2.
 */
public final class FastChatSampler {
  private final List<String> models = new ArrayList<>();
  private final double[] weights;
  private final Map<String, Set<String>> targets;

  /**
   * @param weights sampling weight per model (0 = never in a battle)
   * @param boost models whose weight is multiplied by 5
   * @param outage models whose weight is set to 0
   * @param targets preferred rivals per model
   */
  public FastChatSampler(
      Map<String, Double> weights,
      Set<String> boost,
      Set<String> outage,
      Map<String, Set<String>> targets) {
    models.addAll(new java.util.TreeSet<>(weights.keySet()));
    this.weights = new double[models.size()];
    for (int i = 0; i < models.size(); i++) {
      String m = models.get(i);
      double w = weights.get(m);
      if (w < 0) throw new IllegalArgumentException("negative sampling weight for " + m);
      if (boost.contains(m)) w *= 5;
      if (outage.contains(m)) w = 0;
      this.weights[i] = w;
    }
    int live = 0;
    for (double w : this.weights) if (w > 0) live++;
    if (live < 2) throw new IllegalArgumentException("need at least 2 models with positive weight");
    this.targets = targets;
  }

  /** {model_a, model_b}. */
  public String[] sample(SplittableRandom rng) {
    int first = draw(weights, rng);
    String m1 = models.get(first);
    double[] rival = weights.clone();
    rival[first] = 0;
    Set<String> tg = targets.getOrDefault(m1, Set.of());
    double total = 0;
    for (double w : rival) total += w;
    int live = 0;
    for (int i = 0; i < rival.length; i++) if (rival[i] > 0 && tg.contains(models.get(i))) live++;
    if (live > 0) {
      for (int i = 0; i < rival.length; i++)
        if (rival[i] > 0 && tg.contains(models.get(i))) rival[i] = total / live;
    }
    String m2 = models.get(draw(rival, rng));
    return rng.nextBoolean() ? new String[] {m1, m2} : new String[] {m2, m1};
  }

  private static int draw(double[] w, SplittableRandom rng) {
    double s = 0;
    for (double v : w) s += v;
    double u = rng.nextDouble() * s, c = 0;
    int last = -1;
    for (int i = 0; i < w.length; i++) {
      if (w[i] <= 0) continue;
      last = i;
      c += w[i];
      if (u < c) return i;
    }
    return last;
  }
}
