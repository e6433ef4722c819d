package io.papers4j.lm.reasoning;

import io.papers4j.core.train.ProgressBar;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The paper's metrics on a problem set: maj@1 (greedy), and over K samples at temperature T:
 * maj@K (majority vote), rerank@K (the sample the ORM scores highest; NaN without an ORM), pass@K
 * (any of K correct), the unbiased pass@1 estimate c/K, and the mean number of distinct operation
 * sequences among correct samples (the paper's diversity).
 */
public final class Evaluation {
  private Evaluation() {}

  /** Results (fractions in [0, 1]). */
  public record Scores(int problems, int k, double temperature, double maj1, double majK, double rerankK,
      double passK, double pass1, double diversity) {}

  /** How to sample: K, temperature, token budget, calculator, seed, rows per batch. */
  public record Settings(int k, double temperature, int maxNewTokens, boolean calculator, long seed, int batchRows) {
    public Settings {
      if (k < 1) throw new IllegalArgumentException("--k must be >= 1, got " + k);
      if (batchRows < 1) throw new IllegalArgumentException("batch rows must be >= 1");
    }
  }

  /** Scores a policy; {@code returnToken} non-null conditions every prompt on it (RCRL). */
  public static Scores run(LlamaModel policy, List<Problem> problems, Settings s, Integer returnToken,
      OutcomeRewardModel orm, ProgressBar bar) {
    if (problems.isEmpty()) throw new IllegalArgumentException("no problems to evaluate");
    int greedyCorrect = greedyCorrect(policy, problems, s, returnToken);
    double majK = 0, rerank = 0, passK = 0, pass1 = 0, diversity = 0;
    List<String> questions = problems.stream().map(Problem::question).toList();
    List<List<String>> all = sampleAll(policy, questions, returnToken, s, s.seed() + 7919L);
    for (int qi = 0; qi < problems.size(); qi++) {
      Problem p = problems.get(qi);
      List<String> texts = all.get(qi);
      List<String> answers = new ArrayList<>();
      int c = 0;
      List<String> correct = new ArrayList<>();
      for (String t : texts) {
        answers.add(Gsm8kGrader.answerKey(t));
        if (p.isCorrect(t)) {
          c++;
          correct.add(t);
        }
      }
      String vote = SampleMetrics.majority(answers);
      if (vote != null && p.isCorrect(Gsm8kGrader.MARKER + " " + vote)) majK++;
      passK += SampleMetrics.passAtK(texts.size(), c, texts.size());
      pass1 += SampleMetrics.passAtK(texts.size(), c, 1);
      diversity += Dedup.distinctOperationSequences(correct);
      if (orm != null) {
        int best = SampleMetrics.argmax(orm.score(p.question(), texts));
        if (p.isCorrect(texts.get(best))) rerank++;
      }
      if (bar != null) bar.update(qi + 1, Double.NaN, s.k());
    }
    int n = problems.size();
    return new Scores(n, s.k(), s.temperature(), (double) greedyCorrect / n, majK / n, orm == null ? Double.NaN : rerank / n,
        passK / n, pass1 / n, diversity / n);
  }

  /**
   * maj@1's count: problems solved by greedy decoding, many questions per batch, sorted by prompt
   * length to limit ragged pre-fill.
   */
  public static int greedyCorrect(LlamaModel policy, List<Problem> problems, Settings s, Integer returnToken) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < problems.size(); i++) order.add(i);
    order.sort(Comparator.comparingInt(i -> problems.get(i).question().length()));
    int correct = 0;
    Rollouts.Settings greedy = new Rollouts.Settings(0, s.maxNewTokens(), s.calculator(), s.seed());
    for (int at = 0; at < order.size(); at += s.batchRows()) {
      List<Integer> idx = order.subList(at, Math.min(order.size(), at + s.batchRows()));
      List<long[]> prompts = new ArrayList<>();
      for (int i : idx) prompts.add(fitContext(policy, Sft.prompt(problems.get(i).question(), returnToken), s.maxNewTokens()));
      List<Rollouts.Completion> cs = Rollouts.run(policy, prompts, greedy);
      for (int j = 0; j < idx.size(); j++) if (problems.get(idx.get(j)).isCorrect(cs.get(j).text())) correct++;
    }
    return correct;
  }

  /** K sampled solution texts of one question (rows in batches of {@code batchRows}). */
  public static List<String> sample(LlamaModel policy, String question, Integer returnToken, Settings s, long seed) {
    List<String> out = new ArrayList<>(s.k());
    long[] prompt = fitContext(policy, Sft.prompt(question, returnToken), s.maxNewTokens());
    for (int at = 0; at < s.k(); at += s.batchRows()) {
      int rows = Math.min(s.batchRows(), s.k() - at);
      List<long[]> prompts = new ArrayList<>();
      for (int r = 0; r < rows; r++) prompts.add(prompt);
      for (Rollouts.Completion c : Rollouts.run(policy, prompts, new Rollouts.Settings(s.temperature(), s.maxNewTokens(), s.calculator(), seed + at)))
        out.add(c.text());
    }
    return out;
  }

  /**
   * K sampled solution texts of each question, the K rows of several questions packed into batches
   * of {@code batchRows} rows (one KV cache per batch), so small K does not leave the batch small.
   */
  public static List<List<String>> sampleAll(LlamaModel policy, List<String> questions, Integer returnToken, Settings s, long seed) {
    // questions packed in order of length, so the rows of one batch tend to finish together
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) order.add(i);
    order.sort(Comparator.comparingInt(i -> questions.get(i).length()));
    List<long[]> rows = new ArrayList<>(questions.size() * s.k());
    for (int qi : order) {
      long[] prompt = fitContext(policy, Sft.prompt(questions.get(qi), returnToken), s.maxNewTokens());
      for (int r = 0; r < s.k(); r++) rows.add(prompt);
    }
    List<String> texts = new ArrayList<>(rows.size());
    for (int at = 0; at < rows.size(); at += s.batchRows()) {
      List<long[]> chunk = rows.subList(at, Math.min(rows.size(), at + s.batchRows()));
      for (Rollouts.Completion c : Rollouts.run(policy, chunk, new Rollouts.Settings(s.temperature(), s.maxNewTokens(), s.calculator(), seed + at)))
        texts.add(c.text());
    }
    List<List<String>> out = new ArrayList<>(java.util.Collections.nCopies(questions.size(), List.<String>of()));
    for (int j = 0; j < order.size(); j++) out.set(order.get(j), texts.subList(j * s.k(), (j + 1) * s.k()));
    return out;
  }

  /** The prompt, cut from the front when it would not fit the context with the token budget (long GSM8K questions). */
  static long[] fitContext(LlamaModel policy, long[] prompt, int maxNewTokens) {
    int max = policy.config().maxPositionEmbeddings() - 2 * maxNewTokens;
    if (max < 1) throw new IllegalArgumentException("--max-new-tokens " + maxNewTokens + " leaves no room for the prompt");
    return prompt.length <= max ? prompt : java.util.Arrays.copyOfRange(prompt, prompt.length - max, prompt.length);
  }
}
