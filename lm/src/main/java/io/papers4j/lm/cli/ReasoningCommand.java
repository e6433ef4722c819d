package io.papers4j.lm.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.cli.SaveDtypeOption;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.nn.Init;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.reasoning.CharTokenizer;
import io.papers4j.lm.reasoning.EndpointSolver;
import io.papers4j.lm.reasoning.Evaluation;
import io.papers4j.lm.reasoning.ExpertIteration;
import io.papers4j.lm.reasoning.Gsm8kData;
import io.papers4j.lm.reasoning.OutcomeRewardModel;
import io.papers4j.lm.reasoning.Ppo;
import io.papers4j.lm.reasoning.Problem;
import io.papers4j.lm.reasoning.Rcrl;
import io.papers4j.lm.reasoning.Sft;
import io.papers4j.lm.reasoning.SyntheticProblems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code papers4j reasoning sft|ei|ppo|rcrl|orm|eval}: the RL-for-reasoning methods of 2403.04642
 * on GSM8K or synthetic GSM8K-style problems with the character-level reasoning LLaMA.
 */
@Command(
    name = "reasoning",
    mixinStandardHelpOptions = true,
    description = "Teaching LLMs to reason with RL (arXiv 2403.04642): SFT, expert iteration, PPO, RCRL, ORM, maj@K/pass@K eval.",
    subcommands = {ReasoningCommand.SftCmd.class, ReasoningCommand.EiCmd.class, ReasoningCommand.PpoCmd.class,
        ReasoningCommand.RcrlCmd.class, ReasoningCommand.OrmCmd.class, ReasoningCommand.EvalCmd.class})
public final class ReasoningCommand implements CliCommand, Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Options every training verb shares. */
  static final class Common {
    @Option(names = "--data", defaultValue = "synthetic", description = "gsm8k or synthetic (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--difficulty", defaultValue = "easy", description = "Synthetic problems: easy (2-3 steps, numbers up to 20, "
        + "add / subtract / double / triple), medium (2-3 mixed steps with division and a friend's count, numbers up to 60, "
        + "up to 2 distractor sentences) or hard (the same with 3-4 steps) "
        + "(default ${DEFAULT-VALUE}).")
    String difficulty;

    @Option(names = "--problems", defaultValue = "500", description = "Training problems (default ${DEFAULT-VALUE}; gsm8k: the first N of train).")
    int problems;

    @Option(names = "--init-from", description = "Start from this checkpoint (required for ei, ppo, rcrl, orm).")
    Path initFrom;

    @Option(names = "--out", required = true, description = "Output checkpoint directory (must not exist).")
    Path out;

    @Option(names = "--steps", defaultValue = "300", description = "Fine-tuning steps (SFT, each refit, ORM; default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "Sequences per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--k", defaultValue = "8", description = "Samples per question (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--max-new-tokens", description = "Sampled tokens per solution (default: what the --difficulty level's "
        + "gold solutions need, easy and medium 130, hard 160; gsm8k 120).")
    Integer maxNewTokens;

    @Option(names = "--seed", defaultValue = "17", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin SaveDtypeOption saveDtype;

    @Mixin PrecisionOption precision;

    List<Problem> problems() {
      if (problems < 1) throw new IllegalArgumentException("--problems must be >= 1");
      return switch (data) {
        case "gsm8k" -> {
          List<Problem> all = Gsm8kData.split("train");
          yield all.subList(0, Math.min(problems, all.size()));
        }
        // the eval set is seed 1 (held out); training draws exclude its hashes
        case "synthetic" -> SyntheticProblems.generate(problems, SyntheticProblems.Difficulty.of(difficulty), seed + 1,
            SyntheticProblems.hashes(heldOut(1000, difficulty)));
        default -> throw new IllegalArgumentException("--data must be gsm8k or synthetic, got " + data);
      };
    }

    LlamaModel init(boolean required) {
      if (initFrom == null) {
        if (required) throw new IllegalArgumentException("--init-from DIR is required (an SFT checkpoint)");
        return new LlamaModel(Sft.tinyConfig(), Init.normal(seed, 0.02), null);
      }
      if (!Files.isDirectory(initFrom)) throw new IllegalArgumentException("--init-from: no such directory: " + initFrom);
      LlamaModel m = LlamaCheckpoint.load(initFrom);
      if (m.config().vocabSize() != CharTokenizer.VOCAB)
        throw new IllegalArgumentException("--init-from " + initFrom + " is not a reasoning checkpoint (vocab " + m.config().vocabSize()
            + ", expected " + CharTokenizer.VOCAB + ")");
      return m;
    }

    void checkOut() {
      if (Files.exists(out)) throw new IllegalArgumentException(out + " already exists; choose a new --out");
    }

    int maxNewTokens() {
      return tokenBudget(maxNewTokens, data, difficulty);
    }

    Sft.Fit fit() {
      return new Sft.Fit(steps, batch, lr, seed, precision.get());
    }

    void save(LlamaModel m, String method, Map<String, Object> extra) {
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("system", "rl-reasoning");
      info.put("method", method);
      info.put("data", data);
      info.put("problems", problems);
      info.put("init_from", initFrom == null ? null : initFrom.toString());
      info.putAll(extra);
      LlamaCheckpoint.save(m, out, info, saveDtype.get());
      System.out.println("wrote " + out);
    }
  }

  /**
   * The sampled-token budget: {@code --max-new-tokens} when given, else what the synthetic level's
   * gold solutions need ({@link SyntheticProblems.Difficulty#tokenBudget}), or 120 for GSM8K (whose
   * character-level solutions exceed any budget the 512-position model leaves beside the question).
   */
  static int tokenBudget(Integer given, String data, String difficulty) {
    if (given != null) {
      if (given < 1) throw new IllegalArgumentException("--max-new-tokens must be >= 1, got " + given);
      return given;
    }
    return data.equals("synthetic") ? SyntheticProblems.Difficulty.tokenBudget(difficulty) : 120;
  }

  /** The synthetic held-out set of a difficulty level: seed 1. */
  static List<Problem> heldOut(int n, String difficulty) {
    return SyntheticProblems.generate(n, SyntheticProblems.Difficulty.of(difficulty), 1, Set.of());
  }

  @Command(name = "sft", mixinStandardHelpOptions = true, description = "Supervised fine-tuning on gold worked solutions.")
  static final class SftCmd implements Callable<Integer> {
    @Mixin Common c;

    @Option(names = "--eval-every", defaultValue = "0", description = "Log held-out synthetic maj@1 / pass@K every N steps (0 = off; default ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--eval-problems", defaultValue = "96", description = "Held-out problems for --eval-every (default ${DEFAULT-VALUE}).")
    int evalProblems;

    @Option(names = "--decay-from", defaultValue = "0", description = "Step where the learning rate starts to fall linearly (default ${DEFAULT-VALUE}).")
    int decayFrom;

    @Option(names = "--decay-steps", defaultValue = "0", description = "Steps over which it falls to a tenth of --lr and stays there (0 = constant; default ${DEFAULT-VALUE}).")
    int decaySteps;

    /** The SFT settings, with the learning-rate decay when asked for. */
    Sft.Fit fit() {
      return c.fit().withDecay(decayFrom, decaySteps);
    }

    @Override
    public Integer call() {
      Engine.init();
      c.checkOut();
      if (evalEvery < 0 || evalProblems < 1) throw new IllegalArgumentException("--eval-every must be >= 0 and --eval-problems >= 1");
      Sft.Fit fit = fit();
      List<Problem> ps = c.problems();
      LlamaModel m = c.init(false);
      double loss;
      List<Problem> held = heldOut(evalProblems, c.difficulty);
      Evaluation.Settings es = new Evaluation.Settings(c.k, c.temperature, c.maxNewTokens(), true, c.seed + 3, 64);
      try (ProgressBar bar = new ProgressBar("sft", c.steps, "seq")) {
        loss = Sft.fit(m, Sft.gold(ps), fit, bar, evalEvery == 0 ? null : (step, l) -> {
          if (step % evalEvery != 0) return false;
          long t0 = System.nanoTime();
          Evaluation.Scores s = Evaluation.run(m, held, es, null, null, null);
          bar.log(String.format(java.util.Locale.ROOT, "step %d: loss %.3f, held-out maj@1 %.3f, maj@%d %.3f, pass@%d %.3f, pass@1 %.3f (%d problems, eval %.1f s)",
              step, l, s.maj1(), c.k, s.majK(), c.k, s.passK(), s.pass1(), held.size(), (System.nanoTime() - t0) / 1e9));
          return false;
        });
      }
      c.save(m, "sft", Map.of("final_loss", loss, "steps", c.steps));
      return 0;
    }
  }

  @Command(name = "ei", mixinStandardHelpOptions = true, description = "Expert iteration: K samples per question, keep correct, dedup, refit from --init-from.")
  static final class EiCmd implements Callable<Integer> {
    @Mixin Common c;

    @Option(names = "--rounds", defaultValue = "3", description = "EI rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() {
      Engine.init();
      c.checkOut();
      List<Problem> ps = c.problems();
      LlamaModel init = c.init(true);
      LlamaModel policy = LlamaCheckpoint.load(c.initFrom);
      long samples;
      try (ProgressBar bar = new ProgressBar("ei", (long) rounds * ps.size(), "samples")) {
        samples = ExpertIteration.run(policy, init, ps, Sft.gold(ps),
            new ExpertIteration.Config(rounds, c.k, c.temperature, c.maxNewTokens(), c.fit(), c.seed),
            (r, s, kept) -> bar.log("round " + r + ": " + s + " samples, " + kept + " kept"), bar);
      }
      c.save(policy, "ei", Map.of("samples", samples, "rounds", rounds, "k", c.k));
      return 0;
    }
  }

  @Command(name = "ppo", mixinStandardHelpOptions = true, description = "PPO with a value head, GAE, clipping, KL to --init-from; sparse or ORM-shaped dense reward.")
  static final class PpoCmd implements Callable<Integer> {
    @Mixin Common c;

    @Option(names = "--iterations", defaultValue = "50", description = "PPO iterations (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--prompts", defaultValue = "8", description = "Questions per batch, each sampled --k times (default ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--kl", defaultValue = "0.05", description = "KL coefficient to the initial policy (default ${DEFAULT-VALUE}).")
    double kl;

    @Option(names = "--ppo-lr", defaultValue = "2e-5", description = "PPO learning rate (default ${DEFAULT-VALUE}).")
    double ppoLr;

    @Option(names = "--reward", defaultValue = "sparse", description = "sparse or dense-orm (default ${DEFAULT-VALUE}).")
    String reward;

    @Option(names = "--orm", description = "ORM checkpoint (papers4j reasoning orm) for --reward dense-orm.")
    Path orm;

    @Override
    public Integer call() {
      Engine.init();
      c.checkOut();
      Ppo.Reward r = switch (reward) {
        case "sparse" -> Ppo.Reward.SPARSE;
        case "dense-orm" -> Ppo.Reward.DENSE_ORM;
        default -> throw new IllegalArgumentException("--reward must be sparse or dense-orm, got " + reward);
      };
      OutcomeRewardModel ormModel = null;
      if (r == Ppo.Reward.DENSE_ORM) {
        if (orm == null) throw new IllegalArgumentException("--reward dense-orm needs --orm DIR");
        ormModel = loadOrm(orm);
      }
      List<Problem> ps = c.problems();
      LlamaModel ref = c.init(true);
      LlamaModel policy = LlamaCheckpoint.load(c.initFrom);
      long samples;
      try (ProgressBar bar = new ProgressBar("ppo", iterations, "samples")) {
        samples = Ppo.run(policy, ref, ps, new Ppo.Config(iterations, prompts, c.k, 4, ppoLr, 1.0, 0.95, 0.2, 1.0, kl,
            c.temperature, c.maxNewTokens(), r, c.seed), ormModel, null, bar, c.precision.get());
      }
      c.save(policy, "ppo", Map.of("samples", samples, "iterations", iterations, "reward", reward, "kl", kl));
      return 0;
    }
  }

  @Command(name = "rcrl", mixinStandardHelpOptions = true, description = "Return-conditioned RL: samples tagged good/bad, refit, condition on good.")
  static final class RcrlCmd implements Callable<Integer> {
    @Mixin Common c;

    @Override
    public Integer call() {
      Engine.init();
      c.checkOut();
      List<Problem> ps = c.problems();
      LlamaModel init = c.init(true);
      LlamaModel policy = LlamaCheckpoint.load(c.initFrom);
      long samples;
      try (ProgressBar bar = new ProgressBar("rcrl", ps.size(), "samples")) {
        samples = Rcrl.run(policy, init, ps, ps, new ExpertIteration.Config(1, c.k, c.temperature, c.maxNewTokens(), c.fit(), c.seed), bar);
      }
      c.save(policy, "rcrl", Map.of("samples", samples, "return_token", "good"));
      return 0;
    }
  }

  @Command(name = "orm", mixinStandardHelpOptions = true, description = "Train an outcome reward model on --init-from's own samples, labelled by the grader.")
  static final class OrmCmd implements Callable<Integer> {
    @Mixin Common c;

    @Override
    public Integer call() {
      Engine.init();
      c.checkOut();
      List<Problem> ps = c.problems();
      LlamaModel policy = c.init(true);
      Evaluation.Settings s = new Evaluation.Settings(c.k, c.temperature, c.maxNewTokens(), true, c.seed, c.k);
      List<OutcomeRewardModel.Labelled> data = new ArrayList<>();
      for (int i = 0; i < ps.size(); i++) {
        Problem p = ps.get(i);
        for (String t : Evaluation.sample(policy, p.question(), null, s, c.seed + 11L * i))
          data.add(new OutcomeRewardModel.Labelled(p.question(), t, p.isCorrect(t)));
      }
      OutcomeRewardModel orm = new OutcomeRewardModel(LlamaCheckpoint.load(c.initFrom), c.seed);
      try (ProgressBar bar = new ProgressBar("orm", c.steps, "seq")) {
        orm.fit(data, new Sft.Fit(c.steps, c.batch, 1e-3, c.seed, c.precision.get()), bar);
      }
      float[] head = floats(orm.head.weight);
      float[] bias = floats(orm.head.bias);
      List<Double> w = new ArrayList<>();
      for (float f : head) w.add((double) f);
      c.save(orm.trunk, "orm", Map.of("orm_head_weight", w, "orm_head_bias", (double) bias[0], "samples", data.size()));
      return 0;
    }
  }

  static float[] floats(org.bytedeco.pytorch.Tensor t) {
    org.bytedeco.pytorch.Tensor c = t.detach().contiguous();
    float[] f = new float[(int) c.numel()];
    new org.bytedeco.javacpp.FloatPointer(c.data_ptr()).get(f);
    return f;
  }

  /** An ORM checkpoint: the trunk plus the head stored in papers4j.json. */
  static OutcomeRewardModel loadOrm(Path dir) {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--orm: no such directory: " + dir);
    Map<String, Object> info = Checkpoint.readRunInfo(dir);
    if (!(info.get("orm_head_weight") instanceof List<?> w) || !(info.get("orm_head_bias") instanceof Number b))
      throw new IllegalArgumentException(dir + " is not an ORM checkpoint (papers4j.json lacks orm_head_weight/bias)");
    OutcomeRewardModel orm = new OutcomeRewardModel(LlamaCheckpoint.load(dir), 0);
    if (w.size() != orm.head.weight.numel())
      throw new IllegalArgumentException(dir + ": orm_head_weight has " + w.size() + " values, expected " + orm.head.weight.numel());
    float[] f = new float[w.size()];
    for (int i = 0; i < f.length; i++) f[i] = ((Number) w.get(i)).floatValue();
    try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
      orm.head.weight.copy_(org.bytedeco.pytorch.Tensor.create(f).view(orm.head.weight.shape()));
      orm.head.bias.fill_(new org.bytedeco.pytorch.Scalar(b.doubleValue()));
    }
    return orm;
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "maj@1 (greedy), maj@K, rerank@K (with --orm), pass@K of a checkpoint or an OpenAI-compatible endpoint.")
  static final class EvalCmd implements Callable<Integer> {
    @Option(names = "--model", description = "Checkpoint directory.")
    Path model;

    @Option(names = "--endpoint", description = "Base URL of an OpenAI-compatible server (e.g. http://127.0.0.1:8080).")
    String endpoint;

    @Option(names = "--endpoint-model", defaultValue = "default", description = "Model name sent to --endpoint (default ${DEFAULT-VALUE}).")
    String endpointModel;

    @Mixin PrecisionOption precision;

    @Option(names = "--data", defaultValue = "gsm8k", description = "gsm8k (test split) or synthetic (held-out set) (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--difficulty", defaultValue = "easy", description = "Synthetic problems: easy (2-3 steps, numbers up to 20, "
        + "add / subtract / double / triple), medium (2-3 mixed steps with division and a friend's count, numbers up to 60, "
        + "up to 2 distractor sentences) or hard (the same with 3-4 steps) "
        + "(default ${DEFAULT-VALUE}).")
    String difficulty;

    @Option(names = "--problems", defaultValue = "100", description = "Evaluate the first N problems (default ${DEFAULT-VALUE}).")
    int problems;

    @Option(names = "--k", defaultValue = "16", description = "Samples per question for maj@K / pass@K (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--max-new-tokens", description = "Sampled tokens per solution (default: what the --difficulty level's "
        + "gold solutions need, easy and medium 130, hard 160; gsm8k 120).")
    Integer maxNewTokens;

    @Option(names = "--orm", description = "ORM checkpoint for rerank@K.")
    Path orm;

    @Option(names = "--return-token", description = "good: condition on the RCRL good token.")
    String returnToken;

    @Option(names = "--seed", defaultValue = "17", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
      if ((model == null) == (endpoint == null)) throw new IllegalArgumentException("give exactly one of --model DIR or --endpoint URL");
      if (problems < 1) throw new IllegalArgumentException("--problems must be >= 1");
      List<Problem> ps = switch (data) {
        case "gsm8k" -> Gsm8kData.split("test");
        case "synthetic" -> heldOut(Math.max(problems, 1000), difficulty);
        default -> throw new IllegalArgumentException("--data must be gsm8k or synthetic, got " + data);
      };
      ps = ps.subList(0, Math.min(problems, ps.size()));
      int budget = tokenBudget(maxNewTokens, data, difficulty);
      Evaluation.Scores s;
      if (endpoint != null) {
        s = new EndpointSolver(endpoint, endpointModel).evaluate(ps, k, temperature, budget, seed);
      } else {
        Engine.init();
        if (!Files.isDirectory(model)) throw new IllegalArgumentException("--model: no such directory: " + model);
        LlamaModel m = LlamaCheckpoint.load(model);
        if (m.config().vocabSize() != CharTokenizer.VOCAB)
          throw new IllegalArgumentException(model + " is not a reasoning checkpoint (vocab " + m.config().vocabSize() + ")");
        Integer rt = null;
        if (returnToken != null) {
          if (!returnToken.equals("good")) throw new IllegalArgumentException("--return-token must be good");
          rt = CharTokenizer.GOOD;
        }
        OutcomeRewardModel o = orm == null ? null : loadOrm(orm);
        try (ProgressBar bar = new ProgressBar("eval", ps.size(), "samples");
            Precision.Region cast = precision.autocast()) {
          s = Evaluation.run(m, ps, new Evaluation.Settings(k, temperature, budget, true, seed, Math.max(8, Math.min(k, 64))), rt, o, bar);
        }
      }
      System.out.printf("problems %d  K %d  T %.2f%n", s.problems(), s.k(), s.temperature());
      System.out.printf("maj@1 %.4f  maj@%d %.4f  rerank@%d %s  pass@%d %.4f  pass@1(est) %.4f%n", s.maj1(), s.k(), s.majK(), s.k(),
          Double.isNaN(s.rerankK()) ? "-" : String.format("%.4f", s.rerankK()), s.k(), s.passK(), s.pass1());
      return 0;
    }
  }
}
