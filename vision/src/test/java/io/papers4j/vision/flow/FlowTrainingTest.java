package io.papers4j.vision.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.diffusion.DiffusionProcess;
import io.papers4j.core.diffusion.TimeSampler;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loss falls on a fixed batch for every objective; the samplers follow their formulas. */
class FlowTrainingTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    Engine.init(1);
    Engine.seed(0);
  }

  @Test
  void theLossFallsOnATinyFixedBatchForEveryObjective() {
    for (String objective : new String[] {"rf", "eps", "v"}) {
      for (String arch : new String[] {"dit", "mmdit"}) {
        FlowModel m = FlowModel.create(FlowModelTest.tiny(arch, "class"), 3);
        DiffusionProcess p = FlowTraining.process(objective);
        Tensor x0 = torch.rand(8, 2, 8, 8).mul(new Scalar(2)).sub(new Scalar(1));
        Cond c = Cond.classes(torch.arange(new Scalar(8)).remainder(new Scalar(5)).to(torch.ScalarType.Long));
        Tensor t = torch.linspace(new Scalar(0.05), new Scalar(0.95), 8);
        Tensor eps = FlowTraining.gaussian(new long[] {8, 2, 8, 8}, 1);
        AdamW opt = new AdamW(m.namedParameters(), AdamConfig.torchDefaults(3e-3), n -> false);
        double first = 0;
        double last = 0;
        for (int step = 0; step < 60; step++) {
          try (PointerScope s = new PointerScope()) {
            opt.zeroGrad();
            Tensor l = FlowTraining.loss(m, p, x0, c, null, t, eps);
            l.backward();
            opt.step();
            if (step == 0) first = l.item_double();
            last = l.item_double();
          }
        }
        assertThat(last).as(objective + "/" + arch + " loss " + first + " → " + last).isLessThan(0.5 * first);
      }
    }
  }

  @Test
  void oneEulerStepIsNoiseMinusTheVelocityAtTimeOne() {
    FlowModel m = FlowModel.create(FlowModelTest.tiny("dit", "class"), 4);
    FlowModelTest.perturb(m);
    Cond c = Cond.classes(torch.tensor(new long[] {1, 3}));
    Tensor x = FlowSampler.sample(m, "rf", c, 1, 1.0, 1.0, 9, 2);
    Tensor z = FlowTraining.gaussian(new long[] {2, 2, 8, 8}, 9 * 7_919L);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor v = m.forward(z, torch.full(new long[] {2}, new Scalar(1000.0)), c);
      Tensor expected = z.sub(v).clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(-1)), new org.bytedeco.pytorch.ScalarOptional(new Scalar(1)));
      assertThat(x.sub(expected).abs().max().item_double()).isLessThan(1e-5);
      // guidance: w = 0 is the unconditional model alone
      Tensor u = FlowSampler.sample(m, "rf", c, 1, 0.0, 1.0, 9, 2);
      Tensor vu = m.forward(z, torch.full(new long[] {2}, new Scalar(1000.0)), m.nullCond(2));
      Tensor expectedU = z.sub(vu).clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(-1)), new org.bytedeco.pytorch.ScalarOptional(new Scalar(1)));
      assertThat(u.sub(expectedU).abs().max().item_double()).isLessThan(1e-5);
    }
    // chunking does not change the samples
    Tensor one = FlowSampler.sample(m, "rf", c, 3, 2.0, 3.0, 5, 2);
    Tensor two = FlowSampler.sample(m, "rf", c, 3, 2.0, 3.0, 5, 1);
    assertThat(one.shape()).containsExactly(2, 2, 8, 8);
    assertThat(FlowSampler.sample(m, "eps", c, 4, 2.0, 1.0, 5, 2).isfinite().all().item_bool()).isTrue();
    assertThat(two.select(0, 0).sub(one.select(0, 0)).abs().max().item_double()).isLessThan(1e-6);
  }

  /**
   * Guidance as one batch [c; ∅] gives the samples of the two separate passes it replaced: the
   * reference below runs core's Euler step and DDIM step with {@code Guidance.guided}, one forward
   * for the conditional and one for the null branch, from the sampler's starting noise.
   */
  @Test
  void guidanceInOneBatchGivesTheSamplesOfTwoSeparatePasses() {
    for (String arch : new String[] {"dit", "mmdit", "crossdit"}) {
      for (String conditioning : new String[] {"class", "words"}) {
        FlowConfig cfg = FlowModelTest.tiny(arch, conditioning);
        FlowModel m = FlowModel.create(cfg, 6);
        FlowModelTest.perturb(m);
        Cond c = FlowModelTest.cond(cfg, 3);
        for (String objective : new String[] {"rf", "eps"}) {
          for (double w : new double[] {0.0, 1.0, 2.0}) {
            Tensor want = twoPassSample(m, objective, c, 4, w, 3.0, 11);
            for (boolean oneBatch : new boolean[] {true, false}) {
              Tensor got = FlowSampler.sample(m, objective, c, 4, w, 3.0, 11, 3, null, true, oneBatch);
              assertThat(got.sub(want).abs().max().item_double()).as(arch + "/" + conditioning + "/" + objective + " w " + w + " one batch "
                  + oneBatch).isLessThan(1e-5);
            }
          }
        }
      }
    }
  }

  /** The sampler written out with a separate forward per guidance branch (core's Euler / DDIM steps). */
  static Tensor twoPassSample(FlowModel m, String objective, Cond c, int steps, double w, double shift, long seed) {
    int n = (int) c.batch();
    FlowConfig cfg = m.config();
    DiffusionProcess p = FlowTraining.process(objective);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor x = FlowTraining.gaussian(new long[] {n, cfg.channels(), cfg.imageSize(), cfg.imageSize()}, seed * 7_919L);
      Cond none = m.nullCond(n);
      if (p instanceof io.papers4j.core.diffusion.VariancePreserving vp) {
        io.papers4j.core.diffusion.DdimSampler.Denoiser d = io.papers4j.core.diffusion.Guidance.guidedDenoiser(
            (xt, t) -> m.forward(xt, torch.full(new long[] {n}, new Scalar(t)), c),
            (xt, t) -> m.forward(xt, torch.full(new long[] {n}, new Scalar(t)), none), w);
        io.papers4j.core.diffusion.DdimSampler.Options o = io.papers4j.core.diffusion.DdimSampler.Options.trailing();
        for (int t : io.papers4j.core.diffusion.DdimSampler.timesteps(vp.trainTimesteps(), steps, o)) {
          x = io.papers4j.core.diffusion.DdimSampler.step(vp, d.output(x, t), x, t, steps, o);
        }
      } else {
        io.papers4j.core.diffusion.EulerSampler.VelocityField v = io.papers4j.core.diffusion.Guidance.guided(
            (zt, t) -> m.forward(zt, p.modelTime(torch.full(new long[] {n}, new Scalar(t))), c),
            (zt, t) -> m.forward(zt, p.modelTime(torch.full(new long[] {n}, new Scalar(t))), none), w);
        x = io.papers4j.core.diffusion.EulerSampler.sample(v, x, io.papers4j.core.diffusion.FlowSchedule.sigmas(steps, shift));
      }
      return x.clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(-1)), new org.bytedeco.pytorch.ScalarOptional(new Scalar(1)));
    }
  }

  @Test
  void trainingThroughTheLoopWritesALogAndLowersTheValidationLoss() {
    FlowConfig cfg = FlowModelTest.tiny("dit-llama", "class");
    FlowModel m = FlowModel.create(cfg, 5);
    Tensor imgs = torch.rand(32, 2, 8, 8).mul(new Scalar(0.2));
    Tensor labels = torch.arange(new Scalar(32)).remainder(new Scalar(5)).to(torch.ScalarType.Long);
    FlowData data = new FlowData(imgs, labels, imgs.narrow(0, 0, 8), labels.narrow(0, 0, 8), 8, 1, 0);
    FlowTraining.Run run = FlowTraining.train(m, data,
        new FlowTraining.Recipe("rf", TimeSampler.parse("lognorm:0,1"), 1.0, 3e-3, 40, 2, 0), dir, ProgressBar.Mode.OFF, 20, 1);
    List<io.papers4j.core.train.LossLog.EvalPoint> eval = run.result().eval();
    assertThat(eval).hasSizeGreaterThanOrEqualTo(2);
    assertThat(eval.get(eval.size() - 1).loss()).isLessThan(eval.get(0).loss());
    assertThat(dir.resolve("log.jsonl")).exists();
  }

  /** With an EMA the checkpoint holds the averaged weights and non_ema/ the trained ones; both load. */
  @Test
  void anEmaRunSavesTheAverageAndTheTrainedWeights() {
    FlowConfig cfg = FlowModelTest.tiny("dit", "class");
    FlowModel m = FlowModel.create(cfg, 5);
    Tensor imgs = torch.rand(16, 2, 8, 8);
    Tensor labels = torch.arange(new Scalar(16)).remainder(new Scalar(5)).to(torch.ScalarType.Long);
    FlowData data = new FlowData(imgs, labels, imgs.narrow(0, 0, 8), labels.narrow(0, 0, 8), 8, 1, 0);
    FlowTraining.Run run = FlowTraining.train(m, data,
        new FlowTraining.Recipe("rf", TimeSampler.parse("uniform"), 1.0, 3e-3, 6, 1, 0).withEma(0.5), dir.resolve("t"), ProgressBar.Mode.OFF, 0, 0);
    Path out = dir.resolve("ckpt");
    FlowCheckpoint.save(out, run, java.util.Map.of("step", 6));
    FlowModel averaged = FlowCheckpoint.load(out);
    FlowModel trained = FlowCheckpoint.load(out.resolve(FlowCheckpoint.NON_EMA));
    double emaGap = 0, rawGap = 0, between = 0;
    for (var e : m.namedParameters().entrySet()) {
      Tensor live = e.getValue();
      emaGap = Math.max(emaGap, averaged.namedParameters().get(e.getKey()).sub(run.ema().averaged().get(e.getKey())).abs().max().item_double());
      rawGap = Math.max(rawGap, trained.namedParameters().get(e.getKey()).sub(live).abs().max().item_double());
      between = Math.max(between, averaged.namedParameters().get(e.getKey()).sub(live).abs().max().item_double());
    }
    assertThat(emaGap).isEqualTo(0.0);
    assertThat(rawGap).as("the live weights are left as trained").isEqualTo(0.0);
    assertThat(between).as("the average differs from the trained weights").isGreaterThan(1e-6);
  }

  @Test
  void theWordTokenizerRejectsEmptyLongAndUnknownPrompts() {
    WordTokenizer tok = new WordTokenizer(List.of("red", "blue", "circle", "small"), 3);
    assertThat(tok.encode("Small red, circle")).containsExactly(4, 1, 3);
    assertThat(tok.encode("blue")).containsExactly(2, 0, 0);
    assertThatThrownBy(() -> tok.encode("  ")).hasMessage("the prompt is empty");
    assertThatThrownBy(() -> tok.encode("red red red red")).hasMessageContaining("at most 3");
    assertThatThrownBy(() -> tok.encode("green circle")).hasMessageContaining("unknown word 'green'");
    assertThatThrownBy(() -> FlowTraining.process("ddpm")).hasMessageContaining("rf, eps or v");
  }
}
