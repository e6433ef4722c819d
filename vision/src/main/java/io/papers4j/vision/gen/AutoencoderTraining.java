package io.papers4j.vision.gen;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.train.ProgressBar;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains the latent autoencoder ({@link AutoencoderKL}) on real images, top to bottom: random
 * batches from a seeded generator, images mapped from [0, 1] to [−1, 1], AdamW on MSE + β·KL, a
 * {@link PointerScope} per step; afterwards the latent statistics of the posterior means of up to 512
 * training images go into the config as SD3 measures them: shift factor = their mean, scaling
 * factor = 1/their standard deviation, so (z − shift)·scale has mean 0 and variance 1. Reconstruction metrics are
 * measured on the [0, 1] scale: MSE and PSNR = 10·log10(1/MSE).
 */
public final class AutoencoderTraining {
  private AutoencoderTraining() {}

  /**
   * @param steps optimizer steps
   * @param batch images per step
   * @param lr AdamW learning rate (1e-3 suits these small widths; LDM uses 4.5e-6·batch)
   * @param klWeight β (1e-6 in LDM's KL-f8 configs, with the same sum reductions)
   * @param seed data order, initialisation and posterior noise
   */
  public record Recipe(int steps, int batch, double lr, double klWeight, long seed) {
    public Recipe {
      if (steps < 1 || batch < 1) throw new IllegalArgumentException("steps and batch must be >= 1, got " + steps + ", " + batch);
      if (!(lr > 0)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
      if (!(klWeight >= 0)) throw new IllegalArgumentException("kl weight must be >= 0, got " + klWeight);
    }
  }

  /** The trained model (scaling factor set), its per-step losses and wall time. */
  public record Run(AutoencoderKL model, List<Double> losses, double seconds) {}

  /** MSE and PSNR (dB) of reconstructions, on the [0, 1] scale. */
  public record Metrics(double mse, double psnr) {}

  public static Run train(AutoencoderConfig config, LabelledImages data, Recipe r, ProgressBar.Mode mode) {
    return train(config, data, r, mode, Precision.F32);
  }

  /** Trains with the forward passes in {@code precision} (weights and optimizer state stay float32). */
  public static Run train(AutoencoderConfig config, LabelledImages data, Recipe r, ProgressBar.Mode mode, Precision precision) {
    if (data.channels() != config.inChannels()) {
      throw new IllegalArgumentException("the autoencoder takes " + config.inChannels() + "-channel images, " + data.name() + " has " + data.channels());
    }
    long t0 = System.nanoTime();
    torch.manual_seed(r.seed());
    AutoencoderKL model = new AutoencoderKL(config, r.seed());
    AdamW opt = new AdamW(model.namedParameters(), AdamConfig.torchDefaults(r.lr()));
    Random rng = new Random(r.seed());
    List<Double> losses = new ArrayList<>();
    long n = data.count();
    try (ProgressBar bar = new ProgressBar("autoencoder L=" + config.latentChannels(), r.steps(), "img", System.err, mode, System::nanoTime, 10_000_000_000L)) {
      for (int step = 0; step < r.steps(); step++) {
        try (PointerScope scope = new PointerScope()) {
          long[] pick = new long[r.batch()];
          for (int i = 0; i < pick.length; i++) pick[i] = (long) (rng.nextDouble() * n);
          Tensor x = signed(data.images().index_select(0, torch.tensor(pick))); // (B, C, S, S) in [-1, 1]
          Tensor[] l;
          try (Precision.Region cast = precision.autocast()) {
            l = model.loss(x, r.klWeight());
          }
          opt.zeroGrad();
          NativeExit.backward(l[0], precision);
          opt.step();
          double loss = l[0].item_double();
          if (!Double.isFinite(loss)) throw new IllegalStateException("autoencoder loss is not finite at step " + step);
          losses.add(loss);
          bar.update(step + 1, loss, r.batch(), "kl", String.format("%.1f", l[2].item_double()));
        }
      }
    }
    double[] stats = latentStatistics(model, data.images().narrow(0, 0, Math.min(512, n)));
    AutoencoderKL scaled = new AutoencoderKL(config.withLatentStatistics(stats[1], stats[0]), r.seed());
    try (NoGradGuard g = new NoGradGuard()) {
      var src = model.namedParameters();
      scaled.namedParameters().forEach((k, v) -> v.copy_(src.get(k)));
    }
    return new Run(scaled, losses, (System.nanoTime() - t0) / 1e9);
  }

  /** {mean, 1/std} over every element of the posterior means of {@code images} (in [0, 1]), in chunks. */
  static double[] latentStatistics(AutoencoderKL model, Tensor images) {
    double sum = 0, sq = 0;
    long count = 0;
    for (long i = 0; i < images.size(0); i += 128) {
      try (PointerScope s = new PointerScope();
          NoGradGuard g = new NoGradGuard()) {
        Tensor z = model.encode(signed(images.narrow(0, i, Math.min(128, images.size(0) - i)))).mean().to(torch.ScalarType.Double);
        sum += z.sum().item_double();
        sq += z.pow(new Scalar(2.0)).sum().item_double();
        count += z.numel();
      }
    }
    double mean = sum / count;
    double var = (sq - count * mean * mean) / (count - 1);
    double std = Math.sqrt(Math.max(var, 0));
    return new double[] {mean, std > 0 && Double.isFinite(std) ? 1.0 / std : 1.0};
  }

  /** Reconstructions in [0, 1] of images in [0, 1], in batches without gradients. */
  public static Tensor reconstruct(AutoencoderKL model, Tensor images) {
    List<Tensor> parts = new ArrayList<>();
    try (NoGradGuard g = new NoGradGuard()) {
      for (long i = 0; i < images.size(0); i += 128) {
        Tensor x = signed(images.narrow(0, i, Math.min(128, images.size(0) - i)));
        parts.add(model.reconstruct(x).add(new Scalar(1.0)).mul(new Scalar(0.5)).clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(0.0)), new org.bytedeco.pytorch.ScalarOptional(new Scalar(1.0))));
      }
    }
    return torch.cat(new TensorVector(parts.toArray(new Tensor[0])), 0);
  }

  /** MSE and PSNR of {@link #reconstruct} against the originals. */
  public static Metrics evaluate(AutoencoderKL model, Tensor images) {
    double mse = reconstruct(model, images).sub(images.to(torch.ScalarType.Float)).pow(new Scalar(2)).mean().item_double();
    return new Metrics(mse, psnr(mse));
  }

  /** PSNR in dB for a peak of 1: 10·log10(1/MSE). */
  public static double psnr(double mse) {
    return 10 * Math.log10(1.0 / mse);
  }

  private static Tensor signed(Tensor x01) {
    return x01.mul(new Scalar(2.0)).sub(new Scalar(1.0));
  }
}
