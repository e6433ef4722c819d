package io.papers4j.vision.tryon;

import io.papers4j.core.data.Papers4jHome;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.gen.EvalClassifier;
import io.papers4j.vision.gen.FrechetDistance;
import io.papers4j.vision.gen.Kid;
import io.papers4j.vision.gen.LabelledImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Evaluation of a try-on model on the generator's held-out splits: SSIM, LPIPS-proxy and texture
 * fidelity on paired test examples (against the ground truth), FD and KID on unpaired ones (persons
 * wearing another example's garment) against real held-out try-on images, all in the features of a
 * garment-texture classifier trained here on the generator's images (heads: texture, category).
 * These are proxies: no Inception network, no LPIPS weights.
 */
public final class TryOnEval {
  public static final String FD = "FD-TryOnTexture";
  public static final String KID = "KID-TryOnTexture";

  private TryOnEval() {}

  /** Labelled try-on images (targets) of one split: heads texture (4) and category (3). */
  public static LabelledImages labelled(TryOnData data, String split, int n) {
    TryOnData.Batch b = data.batch(split, 0, n);
    Tensor labels = torch.stack(new TensorVector(b.texture(), b.category()), 1); // (N, 2)
    return new LabelledImages("tryon-texture", b.target(), labels, List.of("texture", "category"),
        List.of(TryOnData.TEXTURES, TryOnData.CATEGORIES), null);
  }

  /**
   * The garment-texture classifier (vision.gen's conv32-conv64-pool-fc128 evaluation network) trained
   * on {@code images} generated try-on images of the "classifier" split; cached under the papers4j
   * home ({@code tryon/texture-classifier/<seed>-<images>-<steps>}).
   */
  public static EvalClassifier textureClassifier(TryOnData data, int images, int steps, ProgressBar.Mode mode) {
    EvalClassifier.Recipe r = new EvalClassifier.Recipe(steps, 64, 1e-3, data.seed());
    Path dir = Papers4jHome.resolve("tryon", "texture-classifier", data.seed() + "-" + images + "-" + steps);
    if (Files.isRegularFile(dir.resolve(Checkpoint.WEIGHTS))) return EvalClassifier.load(dir);
    EvalClassifier net = EvalClassifier.train(labelled(data, "classifier", images), r, mode); // on oneDNN (EvalClassifier)
    net.save(dir, r, "tryon procedural persons, seed " + data.seed());
    return net;
  }

  /** Try-on results (N, 3, S, S) in [0, 1] for a batch, sampled in chunks of {@code chunk}. */
  public static Tensor results(OotdModel m, TryOnData.Batch b, double guidance, int steps, long seed, int chunk, ProgressBar bar) {
    return results(m, b, guidance, steps, seed, chunk, bar, true);
  }

  /** As above; {@code clipX0} false samples with plain (unclipped) DDIM steps. */
  public static Tensor results(OotdModel m, TryOnData.Batch b, double guidance, int steps, long seed, int chunk, ProgressBar bar, boolean clipX0) {
    return results(m, b, guidance, steps, seed, chunk, bar, clipX0, Precision.F32);
  }

  /**
   * As above with the sampler's forward passes in {@code precision} (bf16 = CPU autocast); the
   * results are read back as float32, so the metrics computed from them stay float32.
   */
  public static Tensor results(OotdModel m, TryOnData.Batch b, double guidance, int steps, long seed, int chunk, ProgressBar bar, boolean clipX0,
      Precision precision) {
    long n = b.size();
    int per = 3 * TryOnData.SIZE * TryOnData.SIZE;
    float[] all = new float[(int) n * per];
    for (long from = 0; from < n; from += chunk) {
      long k = Math.min(chunk, n - from);
      try (PointerScope s = new PointerScope()) {
        Tensor out;
        try (Precision.Region cast = precision.autocast()) {
          out = TryOnSampler.tryOn(m, b.target().narrow(0, from, k), b.mask().narrow(0, from, k), b.garment().narrow(0, from, k),
              b.category().narrow(0, from, k), guidance, steps, seed + from, clipX0);
        }
        out = out.to(torch.ScalarType.Float).contiguous(); // (k, 3, S, S)
        float[] part = new float[(int) k * per];
        out.data_ptr_float().get(part);
        System.arraycopy(part, 0, all, (int) from * per, part.length);
      }
      if (bar != null) bar.update(from + k, Double.NaN, k);
    }
    return Tensor.create(all, n, 3, TryOnData.SIZE, TryOnData.SIZE).clone();
  }

  /** SSIM and LPIPS-proxy on the mask, texture fidelity on the true garment region. */
  public static Map<String, Double> paired(EvalClassifier net, Tensor out, TryOnData.Batch truth) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("ssim", TryOnMetrics.ssim(out, truth.target(), truth.mask()));
    m.put("lpips_proxy", TryOnMetrics.perceptualDistance(net, out, truth.target()));
    m.put("texture_fidelity", TryOnMetrics.textureFidelity(out, truth.target(), truth.region()));
    return m;
  }

  /** FD and KID (× 1000, mean ± std over subsets) of results against real try-on images' features. */
  public static Map<String, Double> unpaired(EvalClassifier net, Tensor out, Tensor realFeatures, long seed) {
    Tensor f = net.featuresOf(out).to(torch.ScalarType.Double);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(FD, FrechetDistance.between(f, realFeatures));
    int size = (int) Math.min(100, Math.min(f.size(0), realFeatures.size(0)));
    Kid.Estimate k = Kid.normalisedOf(realFeatures, f, 20, size, seed); // features over the real set's RMS entry, as vision.gen's Evaluator
    m.put(KID + "_x1000", k.mean() * 1000);
    m.put(KID + "_std_x1000", k.std() * 1000);
    return m;
  }
}
