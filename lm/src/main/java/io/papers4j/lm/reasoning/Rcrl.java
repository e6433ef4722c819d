package io.papers4j.lm.reasoning;

import io.papers4j.core.train.ProgressBar;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Return-conditioned RL (the paper's Sec. 3, sparse variant): sample K solutions per training
 * question, tag each with a return token ({@link CharTokenizer#GOOD} if correct, else
 * {@link CharTokenizer#BAD}) placed after the question, keep the natural good:bad ratio, and train
 * with cross entropy on gold (tagged good) plus the tagged samples, from the initial checkpoint. At
 * test time the prompt ends with the good token.
 */
public final class Rcrl {
  private Rcrl() {}

  /** Runs one round in place on {@code policy} (which must start equal to {@code init}); returns samples drawn. */
  public static long run(LlamaModel policy, LlamaModel init, List<Problem> train, List<Problem> gold,
      ExpertIteration.Config c, ProgressBar bar) {
    List<Sft.Example> data = new ArrayList<>();
    for (Problem p : gold) data.add(new Sft.Example(Sft.prompt(p.question(), CharTokenizer.GOOD), Sft.completion(p.solution())));
    long samples = 0;
    Evaluation.Settings s = new Evaluation.Settings(c.k(), c.temperature(), c.maxNewTokens(), true, c.seed(), c.batchRows());
    List<String> questions = train.stream().map(Problem::question).toList();
    for (int round = 1; round <= c.rounds(); round++) {
      List<List<String>> all = Evaluation.sampleAll(policy, questions, round == 1 ? null : CharTokenizer.GOOD, s, c.seed() + 1_000_003L * round);
      for (int qi = 0; qi < train.size(); qi++) {
        Problem p = train.get(qi);
        List<String> texts = all.get(qi);
        samples += texts.size();
        for (String t : texts) {
          int tag = p.isCorrect(t) ? CharTokenizer.GOOD : CharTokenizer.BAD;
          data.add(new Sft.Example(Sft.prompt(p.question(), tag), Sft.completion(t.strip())));
        }
        if (bar != null) bar.update((long) (round - 1) * train.size() + qi + 1, Double.NaN, texts.size());
      }
      Sft.copyWeights(init, policy);
      Sft.fit(policy, data, new Sft.Fit(c.refit().steps(), c.refit().batch(), c.refit().lr(), c.refit().seed() + round), null);
    }
    return samples;
  }
}
