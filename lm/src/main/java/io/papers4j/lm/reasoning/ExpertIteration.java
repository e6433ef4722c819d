package io.papers4j.lm.reasoning;

import io.papers4j.core.train.ProgressBar;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Expert iteration (the paper's Sec. 3): each round samples K solutions per training question from
 * the current policy, keeps the correct ones, removes duplicates (per question, by text), adds them
 * to the data set D_i = R_i ∪ D_{i-1} and fine-tunes from the initial checkpoint on gold ∪ D_i (as
 * ReST-EM does).
 */
public final class ExpertIteration {
  private ExpertIteration() {}

  /**
   * Settings: rounds, K, sampling temperature and token budget, refit steps/batch/lr, seed, and how
   * many sampled rows (of several questions) share one batch.
   */
  public record Config(int rounds, int k, double temperature, int maxNewTokens, Sft.Fit refit, long seed, int batchRows) {
    public Config {
      if (rounds < 1 || k < 1) throw new IllegalArgumentException("EI needs rounds >= 1 and K >= 1");
      if (batchRows < 1) throw new IllegalArgumentException("EI needs batch rows >= 1");
    }

    /** K rows per batch (one question per batch). */
    public Config(int rounds, int k, double temperature, int maxNewTokens, Sft.Fit refit, long seed) {
      this(rounds, k, temperature, maxNewTokens, refit, seed, k);
    }
  }

  /** After each round: the round (1-based), samples drawn so far, and the size of D. */
  public interface RoundListener {
    void onRound(int round, long samples, int kept);
  }

  /**
   * Runs EI in place on {@code policy}, which must start equal to {@code init}; {@code gold} are
   * the SFT examples kept in every refit (empty for a pretrained-init run). Returns samples drawn.
   */
  public static long run(LlamaModel policy, LlamaModel init, List<Problem> train, List<Sft.Example> gold,
      Config c, RoundListener listener, ProgressBar bar) {
    Set<String> seen = new LinkedHashSet<>();
    List<Sft.Example> kept = new ArrayList<>();
    long samples = 0;
    Evaluation.Settings sampling = new Evaluation.Settings(c.k(), c.temperature(), c.maxNewTokens(), true, c.seed(), c.batchRows());
    List<String> questions = train.stream().map(Problem::question).toList();
    for (int round = 1; round <= c.rounds(); round++) {
      List<List<String>> all = Evaluation.sampleAll(policy, questions, null, sampling, c.seed() + 1_000_003L * round);
      for (int qi = 0; qi < train.size(); qi++) {
        Problem p = train.get(qi);
        List<String> texts = all.get(qi);
        samples += texts.size();
        for (String t : texts) {
          if (!p.isCorrect(t)) continue;
          if (seen.add(p.hash() + "\u0000" + Dedup.textKey(t))) {
            kept.add(new Sft.Example(Sft.prompt(p.question(), null), Sft.completion(t.strip())));
          }
        }
        if (bar != null) bar.update((long) (round - 1) * train.size() + qi + 1, Double.NaN, texts.size(), "kept", kept.size());
      }
      Sft.copyWeights(init, policy);
      List<Sft.Example> data = new ArrayList<>(gold);
      data.addAll(kept);
      if (!data.isEmpty()) Sft.fit(policy, data, new Sft.Fit(c.refit().steps(), c.refit().batch(), c.refit().lr(), c.refit().seed() + round), null);
      if (listener != null) listener.onRound(round, samples, kept.size());
    }
    return samples;
  }
}
