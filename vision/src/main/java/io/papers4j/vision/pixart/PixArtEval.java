package io.papers4j.vision.pixart;

import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.gen.EvalClassifier;
import io.papers4j.vision.gen.Evaluator;
import io.papers4j.vision.gen.LatentSpace;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Scores a Fashion-MNIST PixArt model with the toolkit's {@link Evaluator}: n class-balanced
 * samples (class k asked for with its caption), decoded from latents when the model lives in an
 * autoencoder's space, against held-out real images in the features of the cached evaluation
 * classifier: {@code FD-FashionMNIST}, {@code KID-FashionMNIST} (± std) and {@code
 * conditional-accuracy}; plus the sampling speed in images/s.
 */
public final class PixArtEval {
  private final Evaluator evaluator;
  private final Caption table; // (10, L, D) class captions
  private final LatentSpace latents; // null for pixel models

  /** @param realImages held-out real images (N, 1, 28, 28) in [0, 1] */
  public PixArtEval(EvalClassifier classifier, Tensor realImages, Caption classCaptions, LatentSpace latents) {
    this.evaluator = new Evaluator(classifier, realImages, 20, Math.min(500, (int) realImages.size(0)));
    this.table = classCaptions;
    this.latents = latents;
  }

  public Evaluator evaluator() {
    return evaluator;
  }

  /** Class-balanced samples (n, 1, 28, 28) in [−1, 1] and the classes asked for (n). */
  public Tensor[] sample(PixArt model, int n, int steps, double cfg, long seed, ProgressBar bar) {
    return sample(model, n, steps, cfg, seed, bar, Precision.F32);
  }

  /**
   * As above with the sampler's forward passes in {@code precision} (bf16 = CPU autocast, as {@code
   * pixart sample}); the samples come back as float32 and the decoder runs outside the region.
   */
  public Tensor[] sample(PixArt model, int n, int steps, double cfg, long seed, ProgressBar bar, Precision precision) {
    Tensor classes = PixArtData.balanced(n, (int) table.batch());
    Tensor x;
    try (Precision.Region cast = precision.autocast()) {
      x = PixArtSampler.sample(model, table.select(classes), steps, cfg, seed, 100, latents == null, bar).to(torch.ScalarType.Float);
    }
    return new Tensor[] {latents == null ? x : latents.decode(x), classes};
  }

  /** FD, KID, conditional accuracy and images/s of n samples at {@code steps} sampler steps and guidance {@code cfg}. */
  public Map<String, Double> score(PixArt model, int n, int steps, double cfg, long seed, ProgressBar bar) {
    return score(model, n, steps, cfg, seed, bar, Precision.F32);
  }

  /** As above with sampling in {@code precision}; the evaluator's features and metrics stay float32. */
  public Map<String, Double> score(PixArt model, int n, int steps, double cfg, long seed, ProgressBar bar, Precision precision) {
    long t0 = System.nanoTime();
    Tensor[] s = sample(model, n, steps, cfg, seed, bar, precision);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Double> m = new LinkedHashMap<>();
    try (PointerScope scope = new PointerScope()) {
      Tensor unit = PixArtData.toUnit(s[0]);
      m.putAll(evaluator.evaluate(unit, Evaluator.classRequests(toLongs(s[1])), seed));
    }
    m.put("images_per_s", n / seconds);
    return m;
  }

  static long[] toLongs(Tensor t) {
    long[] out = new long[(int) t.numel()];
    t.contiguous().data_ptr_long().get(out);
    return out;
  }
}
