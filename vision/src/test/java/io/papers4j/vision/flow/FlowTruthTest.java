package io.papers4j.vision.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.diffusion.RectifiedFlow;
import io.papers4j.core.diffusion.TimeSampler;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training, sampler and guidance agree on one convention (z_t = (1 − t)·x₀ + t·ε, target ε − x₀,
 * network time 1000·t, sampling from t = 1 to 0), checked against the exact velocity field of a
 * closed-form data distribution, and a tiny model trained through the real loop memorises a batch
 * its Euler samples then reproduce.
 */
class FlowTruthTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    Engine.init(1);
    Engine.seed(0);
  }

  /**
   * Class k is N(μ_k, s_k² I) in R⁴ (one 2×2 image), with prior π_k; the null label is the mixture.
   * Given class k, z_t ~ N((1 − t)μ_k, σ_k²(t) I) with σ_k² = (1 − t)²s_k² + t², and the exact
   * velocity E[ε − x₀ | z_t = z, k] = −μ_k + (t − (1 − t)s_k²)/σ_k² · (z − (1 − t)μ_k); the
   * unconditional field weighs these by the posterior of k given z.
   */
  static final class ExactMixture implements FlowNet {
    static final double[][] MU = {{0.5, 0.5, -0.5, -0.5}, {-0.5, 0.5, 0.5, -0.5}, {0.0, -0.5, 0.0, 0.5}};
    static final double[] S = {0.10, 0.15, 0.20};
    static final double[] PI = {0.5, 0.3, 0.2};
    static final int K = 3, D = 4;
    final FlowConfig config = new FlowConfig("dit", 2, 1, 1, 16, 1, 2, 32, "sincos", false, "class", K, 0, 0, 0, 0, 0.1);
    /** Read the network time as 1000·(1 − t) instead of 1000·t: a flipped time convention. */
    final boolean flipped;

    ExactMixture(boolean flipped) {
      this.flipped = flipped;
    }

    @Override
    public FlowConfig config() {
      return config;
    }

    @Override
    public Tensor forward(Tensor z, Tensor t, Cond cond) {
      int b = (int) z.size(0);
      float[] zz = new float[b * D];
      z.contiguous().to(torch.ScalarType.Float).data_ptr_float().get(zz);
      float[] tt = new float[b];
      t.contiguous().to(torch.ScalarType.Float).data_ptr_float().get(tt);
      long[] labels = new long[b];
      cond.labels().contiguous().data_ptr_long().get(labels);
      float[] out = new float[b * D];
      for (int i = 0; i < b; i++) {
        double ti = tt[i] / 1000.0;
        if (flipped) ti = 1 - ti;
        double[] zi = new double[D];
        for (int d = 0; d < D; d++) zi[d] = zz[i * D + d];
        double[] v = labels[i] == K ? mixture(zi, ti) : component((int) labels[i], zi, ti);
        for (int d = 0; d < D; d++) out[i * D + d] = (float) v[d];
      }
      return Tensor.create(out).view(b, 1, 2, 2);
    }

    static double[] component(int k, double[] z, double t) {
      double var = (1 - t) * (1 - t) * S[k] * S[k] + t * t;
      double coef = (t - (1 - t) * S[k] * S[k]) / var;
      double[] v = new double[D];
      for (int d = 0; d < D; d++) v[d] = -MU[k][d] + coef * (z[d] - (1 - t) * MU[k][d]);
      return v;
    }

    static double[] mixture(double[] z, double t) {
      double[] logw = new double[K];
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < K; k++) {
        double var = (1 - t) * (1 - t) * S[k] * S[k] + t * t;
        double sq = 0;
        for (int d = 0; d < D; d++) sq += Math.pow(z[d] - (1 - t) * MU[k][d], 2);
        logw[k] = Math.log(PI[k]) - 0.5 * D * Math.log(var) - sq / (2 * var);
        max = Math.max(max, logw[k]);
      }
      double norm = 0;
      for (int k = 0; k < K; k++) norm += Math.exp(logw[k] - max);
      double[] v = new double[D];
      for (int k = 0; k < K; k++) {
        double r = Math.exp(logw[k] - max) / norm;
        double[] vk = component(k, z, t);
        for (int d = 0; d < D; d++) v[d] += r * vk[d];
      }
      return v;
    }

    @Override
    public Cond nullCond(long batch) {
      return Cond.classes(torch.full(new long[] {batch}, new Scalar(K)).to(torch.ScalarType.Long));
    }

    @Override
    public Cond drop(Cond cond, boolean[] drop) {
      long[] l = new long[drop.length];
      cond.labels().contiguous().data_ptr_long().get(l);
      for (int i = 0; i < l.length; i++) if (drop[i]) l[i] = K;
      return Cond.classes(Tensor.create(l));
    }
  }

  /** Nearest class mean of each sample (the components are ≥ 0.7 apart, their spread ≤ 0.2). */
  static int[] assign(float[] x, int n) {
    int[] k = new int[n];
    for (int i = 0; i < n; i++) {
      double best = Double.POSITIVE_INFINITY;
      for (int c = 0; c < ExactMixture.K; c++) {
        double sq = 0;
        for (int d = 0; d < ExactMixture.D; d++) sq += Math.pow(x[i * ExactMixture.D + d] - ExactMixture.MU[c][d], 2);
        if (sq < best) {
          best = sq;
          k[i] = c;
        }
      }
    }
    return k;
  }

  static float[] floats(Tensor t) {
    float[] f = new float[(int) t.numel()];
    t.contiguous().to(torch.ScalarType.Float).data_ptr_float().get(f);
    return f;
  }

  /** Mean and standard deviation (over samples and dimensions) of the samples assigned to class c. */
  static double[] moments(float[] x, int[] k, int c) {
    double[] mean = new double[ExactMixture.D];
    int n = 0;
    for (int i = 0; i < k.length; i++) {
      if (k[i] != c) continue;
      n++;
      for (int d = 0; d < ExactMixture.D; d++) mean[d] += x[i * ExactMixture.D + d];
    }
    double err = 0;
    for (int d = 0; d < ExactMixture.D; d++) {
      mean[d] /= n;
      err = Math.max(err, Math.abs(mean[d] - ExactMixture.MU[c][d]));
    }
    double ss = 0;
    for (int i = 0; i < k.length; i++) {
      if (k[i] != c) continue;
      for (int d = 0; d < ExactMixture.D; d++) ss += Math.pow(x[i * ExactMixture.D + d] - mean[d], 2);
    }
    return new double[] {err, Math.sqrt(ss / (n * ExactMixture.D - 1))};
  }

  @Test
  void eulerWithTheExactFieldRecoversTheMixtureUnguidedAndEachClassConditionally() {
    ExactMixture net = new ExactMixture(false);
    int n = 3000;
    Cond asked = Cond.classes(torch.arange(new Scalar(n)).remainder(new Scalar(3)).to(torch.ScalarType.Long));
    for (double shift : new double[] {1.0, 3.0}) {
      // w = 0: the unconditional field alone, whatever class is asked for → the mixture with weights π
      float[] x = floats(FlowSampler.sample(net, "rf", asked, 200, 0.0, shift, 11, 1000));
      int[] k = assign(x, n);
      for (int c = 0; c < ExactMixture.K; c++) {
        int count = 0;
        for (int v : k) if (v == c) count++;
        assertThat(count / (double) n).as("weight of component %d at shift %s", c, shift).isCloseTo(ExactMixture.PI[c], org.assertj.core.data.Offset.offset(0.03));
        double[] m = moments(x, k, c);
        assertThat(m[0]).as("mean error of component %d at shift %s", c, shift).isLessThan(0.02);
        assertThat(m[1]).as("std of component %d at shift %s", c, shift).isCloseTo(ExactMixture.S[c], org.assertj.core.data.Offset.offset(0.1 * ExactMixture.S[c]));
      }
      // w = 1: the conditional field → every sample in the requested class with its moments
      float[] y = floats(FlowSampler.sample(net, "rf", asked, 200, 1.0, shift, 12, 1000));
      int[] ky = assign(y, n);
      for (int i = 0; i < n; i++) assertThat(ky[i]).isEqualTo(i % 3);
      for (int c = 0; c < ExactMixture.K; c++) {
        double[] m = moments(y, ky, c);
        assertThat(m[0]).isLessThan(0.02);
        assertThat(m[1]).isCloseTo(ExactMixture.S[c], org.assertj.core.data.Offset.offset(0.1 * ExactMixture.S[c]));
      }
    }
  }

  @Test
  void eulerIsFirstOrderOnTheMixtureFromTheSameNoise() {
    ExactMixture net = new ExactMixture(false);
    Cond asked = net.nullCond(200);
    Tensor ref = FlowSampler.sample(net, "rf", asked, 800, 1.0, 1.0, 3, 200);
    double e10 = FlowSampler.sample(net, "rf", asked, 10, 1.0, 1.0, 3, 200).sub(ref).abs().mean().item_double();
    double e20 = FlowSampler.sample(net, "rf", asked, 20, 1.0, 1.0, 3, 200).sub(ref).abs().mean().item_double();
    double e40 = FlowSampler.sample(net, "rf", asked, 40, 1.0, 1.0, 3, 200).sub(ref).abs().mean().item_double();
    assertThat(e20 / e10).as("errors %s %s %s", e10, e20, e40).isBetween(0.35, 0.65);
    assertThat(e40 / e20).isBetween(0.35, 0.65);
  }

  /**
   * The training loss of the exact field is the irreducible variance of the target given z_t: per
   * dimension Var(ε − x₀ | z_t, k) = 1 + s_k² − (t − (1 − t)s_k²)² / σ_k². It only is if the loss's
   * z_t, target and network time follow the sampler's convention; the same field read with the time
   * flipped costs far more.
   */
  @Test
  void theTrainingLossOfTheExactFieldIsTheIrreducibleVariance() {
    ExactMixture net = new ExactMixture(false);
    int b = 8192;
    SplittableRandom rng = new SplittableRandom(5);
    float[] x0 = new float[b * ExactMixture.D];
    long[] labels = new long[b];
    double[] t = TimeSampler.parse("lognorm:0,1").sample(b, rng);
    double expected = 0;
    for (int i = 0; i < b; i++) {
      int k = rng.nextDouble() < 0.5 ? 0 : rng.nextDouble() < 0.6 ? 1 : 2;
      labels[i] = k;
      for (int d = 0; d < ExactMixture.D; d++) x0[i * ExactMixture.D + d] = (float) (ExactMixture.MU[k][d] + ExactMixture.S[k] * rng.nextGaussian());
      double s2 = ExactMixture.S[k] * ExactMixture.S[k];
      double var = (1 - t[i]) * (1 - t[i]) * s2 + t[i] * t[i];
      expected += 1 + s2 - Math.pow(t[i] - (1 - t[i]) * s2, 2) / var;
    }
    expected /= b;
    try (PointerScope s = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      Tensor x = Tensor.create(x0).view(b, 1, 2, 2);
      Tensor eps = FlowTraining.gaussian(new long[] {b, 1, 2, 2}, 9);
      Tensor tt = Tensor.create(t).to(torch.ScalarType.Float);
      Cond c = Cond.classes(Tensor.create(labels));
      double loss = FlowTraining.loss(net, RectifiedFlow.INSTANCE, x, c, null, tt, eps).item_double();
      assertThat(loss).as("loss %s vs irreducible %s", loss, expected).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.03 * expected));
      double flipped = FlowTraining.loss(new ExactMixture(true), RectifiedFlow.INSTANCE, x, c, null, tt, eps).item_double();
      assertThat(flipped).isGreaterThan(1.5 * expected);
      // condition dropout feeds the null label: with every example dropped the loss is that of the mixture field
      boolean[] all = new boolean[b];
      java.util.Arrays.fill(all, true);
      double dropped = FlowTraining.loss(net, RectifiedFlow.INSTANCE, x, c, all, tt, eps).item_double();
      double nullLoss = FlowTraining.loss(net, RectifiedFlow.INSTANCE, x, net.nullCond(b), null, tt, eps).item_double();
      assertThat(dropped).isEqualTo(nullLoss);
      assertThat(dropped).isGreaterThanOrEqualTo(loss);
    }
  }

  /** A real backbone: dropping every condition is exactly the null condition the sampler guides with. */
  @Test
  void aModelsDroppedConditionIsTheSamplersNullCondition() {
    for (String arch : new String[] {"dit", "mmdit"}) {
      for (String cond : new String[] {"class", "words"}) {
        FlowConfig cfg = FlowModelTest.tiny(arch, cond);
        FlowModel m = FlowModel.create(cfg, 2);
        FlowModelTest.perturb(m);
        Cond c = FlowModelTest.cond(cfg, 3);
        Tensor z = torch.randn(3, cfg.channels(), cfg.imageSize(), cfg.imageSize());
        Tensor t = torch.full(new long[] {3}, new Scalar(420.0));
        try (NoGradGuard g = new NoGradGuard()) {
          Tensor a = m.forward(z, t, m.drop(c, new boolean[] {true, true, true}));
          Tensor b = m.forward(z, t, m.nullCond(3));
          Tensor kept = m.forward(z, t, m.drop(c, new boolean[] {false, false, false}));
          assertThat(a.sub(b).abs().max().item_double()).as(arch + "/" + cond).isEqualTo(0.0);
          assertThat(kept.sub(m.forward(z, t, c)).abs().max().item_double()).isEqualTo(0.0);
          assertThat(a.sub(kept).abs().max().item_double()).isGreaterThan(1e-4);
        }
      }
    }
  }

  /**
   * Four 8×8 patterns, one per class, trained through the real loop (FlowData, t sampler, condition
   * dropout, Trainer); the class-conditional Euler samples then land on their own pattern. (At 300
   * steps the square and the stripes are reproduced but not the cross and the 2×2 checker, whose
   * sign flips with the token's position: learning is slow, not wrong.)
   */
  @Test
  void aTinyModelMemorisesOneBatchAndItsSamplesReproduceIt() {
    int k = 4, s = 8;
    float[] px = new float[k * s * s];
    for (int c = 0; c < k; c++) {
      for (int r = 0; r < s; r++) {
        for (int q = 0; q < s; q++) {
          boolean on = switch (c) {
            case 0 -> r >= 2 && r < 6 && q >= 2 && q < 6; // square
            case 1 -> r == q || r == s - 1 - q; // cross
            case 2 -> r % 2 == 0; // stripes
            default -> (r / 2 + q / 2) % 2 == 0; // checker
          };
          px[(c * s + r) * s + q] = on ? 1f : -1f;
        }
      }
    }
    Tensor patterns = Tensor.create(px).view(k, 1, s, s);
    Tensor images = patterns.repeat(8, 1, 1, 1); // (32, 1, 8, 8): image i is pattern i mod 4
    Tensor labels = torch.arange(new Scalar(32)).remainder(new Scalar(k)).to(torch.ScalarType.Long);
    FlowConfig cfg = new FlowConfig("dit", s, 1, 2, 32, 2, 2, 64, "sincos", false, "class", k, 0, 0, 0, 0, 0.1);
    FlowModel m = FlowModel.create(cfg, 1);
    FlowData data = new FlowData(images, labels, images.narrow(0, 0, 8), labels.narrow(0, 0, 8), 16, 1, 0);
    FlowTraining.train(m, data, new FlowTraining.Recipe("rf", TimeSampler.parse("lognorm:0,1"), 1.0, 3e-3, 900, 20, 0), dir,
        ProgressBar.Mode.OFF, 0, 1);
    Tensor asked = torch.arange(new Scalar(16)).remainder(new Scalar(k)).to(torch.ScalarType.Long);
    Tensor x = FlowSampler.sample(m, "rf", Cond.classes(asked), 25, 1.0, 1.0, 4, 16); // (16, 1, 8, 8)
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor own = x.sub(patterns.repeat(4, 1, 1, 1)).pow(new Scalar(2)).mean(new long[] {1, 2, 3}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
      double worst = own.max().item_double();
      // the closest pair of different patterns is ≥ 0.5 apart in mean squared distance
      assertThat(worst).as("largest mean squared error of a sample to its own pattern").isLessThan(0.1);
    }
  }
}
