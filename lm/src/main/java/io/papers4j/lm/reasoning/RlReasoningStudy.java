package io.papers4j.lm.reasoning;

import io.papers4j.core.nn.Init;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The small-scale study of the paper's claims, as a script: synthetic problems, SFT, continued
 * (over-trained) SFT, then from the SFT checkpoint expert iteration, PPO at EI's sample budget and
 * RCRL, an ORM for rerank@K, every model scored on the held-out problems (maj@1, maj@K, rerank@K,
 * pass@K) and on GSM8K test problems (maj@1).
 */
public final class RlReasoningStudy {
  private RlReasoningStudy() {}

  /** One evaluated model: how many RL samples it used, SFT steps, and its scores. */
  public record Row(String method, long samples, int sftSteps, Evaluation.Scores scores, double gsm8kMaj1) {}

  /**
   * All rows, in the order they were measured; the SFT curve (held-out scores every N steps, through
   * the over-training); the plateau step and whether the curve flattened before the step cap; the
   * EI and PPO curves.
   */
  public record Outcome(List<Row> rows, List<Row> sftCurve, int plateauStep, boolean plateauFound, List<Row> eiCurve,
      List<Row> ppoCurve, long eiSamples, long ppoSamples) {}

  public static Outcome run(RlReasoningPreset p, long seed, ProgressBar bar) {
    List<Problem> test = SyntheticProblems.generate(p.testProblems(), p.difficulty(), seed, Set.of());
    Set<String> held = SyntheticProblems.hashes(test);
    List<Problem> gold = SyntheticProblems.generate(p.goldProblems(), p.difficulty(), seed + 1, held);
    Set<String> used = new java.util.HashSet<>(held);
    used.addAll(SyntheticProblems.hashes(gold));
    List<Problem> rl = SyntheticProblems.generate(p.rlProblems(), p.difficulty(), seed + 2, used);
    List<Problem> gsm8k = Gsm8kData.split("test").subList(0, p.gsm8kProblems());
    // held-out scores use evalK samples a question (pass@K needs a large K to show lost diversity); the RL
    // arms and the ORM's data sample K
    Evaluation.Settings eval = new Evaluation.Settings(p.evalK(), 1.0, p.maxNewTokens(), true, seed + 3, p.sampleRows());
    Evaluation.Settings sampling = new Evaluation.Settings(p.k(), 1.0, p.maxNewTokens(), true, seed + 3, p.sampleRows());

    // SFT with the plateau protocol: held-out greedy maj@1 every evalEvery steps; the RL arms start at
    // the first step where maj@1 stops improving, the over-trained arm continues the same run
    LlamaModel sftModel = new LlamaModel(Sft.tinyConfig(), Init.normal(seed, 0.02), null);
    List<Sft.Example> goldEx = Sft.gold(gold);
    Plateau plateau = new Plateau(p, sftModel, test, eval);
    Sft.Fit sftFit = new Sft.Fit(p.sftMaxSteps() + p.overtrainSteps(), p.batch(), p.lr(), seed).withDecay(p.decayFrom(), p.decaySteps());
    Sft.fit(sftModel, goldEx, sftFit, bar, plateau);
    if (plateau.at < 0) plateau.mark(p.sftMaxSteps()); // only when the run ended before a log point (not for sane presets)
    LlamaModel init = plateau.snapshot;
    int startSteps = plateau.at;
    int overSteps = plateau.lastStep;
    Row over = row("SFT over-trained", 0, overSteps, sftModel, test, gsm8k, eval, null, null);

    // ORM on the SFT policy's own samples for the RL questions
    OutcomeRewardModel orm = new OutcomeRewardModel(copy(init), seed + 5);
    List<OutcomeRewardModel.Labelled> labelled = new ArrayList<>();
    List<List<String>> ormSamples = Evaluation.sampleAll(init, rl.stream().map(Problem::question).toList(), null, sampling, seed + 11);
    for (int i = 0; i < rl.size(); i++) {
      Problem q = rl.get(i);
      for (String t : ormSamples.get(i)) labelled.add(new OutcomeRewardModel.Labelled(q.question(), t, q.isCorrect(t)));
    }
    orm.fit(labelled, new Sft.Fit(p.ormSteps(), p.batch(), 1e-3, seed + 6), null);
    Row sft = row("SFT", 0, startSteps, init, test, gsm8k, eval, orm, null);
    List<Row> rows = new ArrayList<>(List.of(sft, over));
    // the SFT curve's plateau and last points carry the sampled scores (the others greedy maj@1 only: sampling
    // evalK a question at every log would cost about 30 s a point, which the 15 minutes do not hold)
    List<Row> curve = new ArrayList<>();
    for (Row r : plateau.curve) {
      if (r.sftSteps() == startSteps) curve.add(new Row(r.method(), 0, startSteps, sft.scores(), Double.NaN));
      else if (r.sftSteps() == overSteps) curve.add(new Row(r.method(), 0, overSteps, over.scores(), Double.NaN));
      else curve.add(r);
    }

    // expert iteration from the plateau checkpoint (earlier rounds: greedy maj@1; the last: every score).
    // EI and RCRL refit at the rate the SFT run had reached at the plateau: refitting a decayed model at the
    // peak rate undid it (80 gold steps at 2e-3 from a maj@1 0.531 model: 0.302; at 2e-4: 0.510)
    double refitLr = sftFit.learningRate(startSteps);
    List<Row> eiCurve = new ArrayList<>();
    eiCurve.add(sft);
    LlamaModel ei = copy(init);
    ExpertIteration.Config eic = new ExpertIteration.Config(p.eiRounds(), p.k(), 1.0, p.maxNewTokens(),
        new Sft.Fit(p.refitSteps(), p.batch(), refitLr, seed + 7), seed + 8, p.sampleRows());
    long eiSamples = ExpertIteration.run(ei, init, rl, goldEx, eic, (round, samples, kept) -> {
      if (round < p.eiRounds()) eiCurve.add(greedyRow("EI round " + round, samples, startSteps, ei, test, eval));
    }, null);
    Row eiRow = row("EI", eiSamples, startSteps, ei, test, gsm8k, eval, orm, null);
    rows.add(eiRow);
    eiCurve.add(eiRow);

    // PPO from the plateau checkpoint at EI's sample budget (sparse reward)
    List<Row> ppoCurve = new ArrayList<>();
    ppoCurve.add(sft);
    LlamaModel ppo = copy(init);
    int perIter = p.ppoPrompts() * p.ppoSamples();
    int iters = (int) Math.max(1, eiSamples / perIter);
    int evalEvery = Math.max(1, iters / p.eiRounds());
    Ppo.Config pc = new Ppo.Config(iters, p.ppoPrompts(), p.ppoSamples(), 4, p.ppoLr(), 1.0, p.ppoLambda(), 0.2, 1.0, 0.05, 1.0,
        p.maxNewTokens(), Ppo.Reward.SPARSE, seed + 9);
    long ppoSamples = Ppo.run(ppo, init, rl, pc, null, (it, samples, correct, kl) -> {
      if (it % evalEvery == 0 && it < iters) ppoCurve.add(greedyRow("PPO iter " + it, samples, startSteps, ppo, test, eval));
    }, null);
    Row ppoRow = row("PPO (sparse)", ppoSamples, startSteps, ppo, test, gsm8k, eval, orm, null);
    rows.add(ppoRow);
    ppoCurve.add(ppoRow);

    // RCRL, one round of K samples per question
    LlamaModel rc = copy(init);
    long rcSamples = Rcrl.run(rc, init, rl, gold,
        new ExpertIteration.Config(1, p.k(), 1.0, p.maxNewTokens(), eic.refit(), seed + 10, p.sampleRows()), null);
    rows.add(row("RCRL", rcSamples, startSteps, rc, test, gsm8k, eval, null, CharTokenizer.GOOD));
    return new Outcome(rows, curve, startSteps, plateau.found, eiCurve, ppoCurve, eiSamples, ppoSamples);
  }

  /** Logs over which maj@1 must stay flat before the curve counts as levelled off. */
  static final int FLAT_LOGS = 2;

  /**
   * Whether a maj@1 curve (one value per log, oldest first) has levelled off at its last log: the best
   * of its last {@code logs} values exceeds the best value before them by at most {@code tolerance}.
   * Needs at least one value before the window. One flat log is not enough: the batch-8 quick run's
   * curve was 0.333, 0.333, 0.385, 0.417 at steps 1200-2100.
   */
  static boolean levelledOff(List<Double> maj1, int logs, double tolerance) {
    if (logs < 1) throw new IllegalArgumentException("logs must be >= 1, got " + logs);
    int n = maj1.size();
    if (n <= logs) return false;
    double before = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n - logs; i++) before = Math.max(before, maj1.get(i));
    double window = Double.NEGATIVE_INFINITY;
    for (int i = n - logs; i < n; i++) window = Math.max(window, maj1.get(i));
    return window <= before + tolerance;
  }

  /** The SFT step listener of the plateau protocol. */
  private static final class Plateau implements Sft.StepListener {
    final RlReasoningPreset p;
    final LlamaModel model;
    final List<Problem> test;
    final Evaluation.Settings eval;
    final List<Row> curve = new ArrayList<>();
    final List<Double> maj1 = new ArrayList<>();
    int at = -1;
    boolean found;
    int lastStep;
    LlamaModel snapshot;

    Plateau(RlReasoningPreset p, LlamaModel model, List<Problem> test, Evaluation.Settings eval) {
      this.p = p;
      this.model = model;
      this.test = test;
      this.eval = eval;
    }

    void mark(int step) {
      at = step;
      snapshot = copy(model);
    }

    @Override
    public boolean afterStep(int step, double loss) {
      lastStep = step;
      // the curve starts FLAT_LOGS logs before the earliest plateau
      if (step % p.evalEvery() != 0 || step < p.minPlateauSteps() - FLAT_LOGS * p.evalEvery()) return false;
      Row r = greedyRow("SFT step " + step, 0, step, model, test, eval);
      curve.add(r);
      maj1.add(r.scores().maj1());
      if (at < 0) {
        if (step >= p.minPlateauSteps() && levelledOff(maj1, FLAT_LOGS, p.plateauTolerance())) {
          found = true;
          mark(step);
        } else if (step >= p.sftMaxSteps()) {
          mark(step); // the cap: no plateau seen
        }
      }
      return at >= 0 && step >= at + p.overtrainSteps();
    }
  }

  /** A row with greedy maj@1 only (the sampled scores NaN): the cheap points of the curves. */
  static Row greedyRow(String method, long samples, int sftSteps, LlamaModel m, List<Problem> test, Evaluation.Settings eval) {
    double maj1 = greedyOnly(m, test, eval, null);
    Evaluation.Scores s = new Evaluation.Scores(test.size(), eval.k(), eval.temperature(), maj1, Double.NaN, Double.NaN,
        Double.NaN, Double.NaN, Double.NaN);
    return new Row(method, samples, sftSteps, s, Double.NaN);
  }

  static Row row(String method, long samples, int sftSteps, LlamaModel m, List<Problem> test, List<Problem> gsm8k,
      Evaluation.Settings eval, OutcomeRewardModel orm, Integer returnToken) {
    Evaluation.Scores s = Evaluation.run(m, test, eval, returnToken, orm, null);
    double g = Double.NaN;
    if (!gsm8k.isEmpty()) g = greedyOnly(m, gsm8k, greedy(eval), returnToken);
    return new Row(method, samples, sftSteps, s, g);
  }

  /** The greedy settings of GSM8K scoring. */
  private static Evaluation.Settings greedy(Evaluation.Settings eval) {
    return new Evaluation.Settings(1, 0, eval.maxNewTokens(), true, eval.seed(), eval.batchRows());
  }

  /** maj@1 only (greedy): the SFT and RL curves' points, and GSM8K, where sampling K would be wasted on a tiny model. */
  static double greedyOnly(LlamaModel m, List<Problem> problems, Evaluation.Settings s, Integer returnToken) {
    return (double) Evaluation.greedyCorrect(m, problems, s, returnToken) / problems.size();
  }

  static LlamaModel copy(LlamaModel src) {
    LlamaModel m = new LlamaModel(src.config(), Init.normal(0, 0.02), null);
    Sft.copyWeights(src, m);
    return m;
  }

  /** A score, or null where it was not measured (NaN: the greedy-only points of the curves, no ORM, no GSM8K). */
  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /** Scores of a row as a flat map (for result.json; null where not measured). */
  public static Map<String, Object> metrics(Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("samples", r.samples());
    m.put("maj1", orNull(r.scores().maj1()));
    m.put("majK", orNull(r.scores().majK()));
    m.put("rerankK", orNull(r.scores().rerankK()));
    m.put("passK", orNull(r.scores().passK()));
    m.put("pass1", orNull(r.scores().pass1()));
    m.put("diversity", orNull(r.scores().diversity()));
    m.put("gsm8k_maj1", orNull(r.gsm8kMaj1()));
    return m;
  }
}
