package io.papers4j.vision.pixart;

import io.papers4j.vision.gen.AutoencoderCheckpoint;
import io.papers4j.vision.gen.AutoencoderKL;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A PixArt model's input space when it is an autoencoder's latents (PixArt-Σ moved from SD1.5's to
 * SDXL's VAE): images in [−1, 1] → posterior mean × scaling factor, and back. Null means pixels.
 */
public record LatentSpace(Path dir, AutoencoderKL autoencoder) {
  public static LatentSpace load(Path dir) {
    return new LatentSpace(dir, AutoencoderCheckpoint.load(dir));
  }

  public double scale() {
    return autoencoder.config().scalingFactor();
  }

  /** Latent channels and side for images of side {@code size}. */
  public int[] shape(int size) {
    int f = autoencoder.config().factor();
    if (size % f != 0) throw new IllegalArgumentException("image side " + size + " is not a multiple of the autoencoder's factor " + f);
    return new int[] {autoencoder.config().latentChannels(), size / f};
  }

  /** (N, C, S, S) in [−1, 1] → (N, L, S/f, S/f) scaled latents, long-lived, in chunks. */
  public Tensor encode(Tensor images) {
    return chunked(images, x -> autoencoder.encode(x).mean().mul(new Scalar(scale())));
  }

  /** Scaled latents → images clamped to [−1, 1]. */
  public Tensor decode(Tensor latents) {
    return chunked(latents, z -> autoencoder.decode(z.div(new Scalar(scale())))
        .clamp(new ScalarOptional(new Scalar(-1)), new ScalarOptional(new Scalar(1))));
  }

  private static Tensor chunked(Tensor in, java.util.function.UnaryOperator<Tensor> f) {
    java.util.List<float[]> parts = new java.util.ArrayList<>();
    long[] shape = null;
    for (long from = 0; from < in.size(0); from += 256) {
      long n = Math.min(256, in.size(0) - from);
      try (PointerScope s = new PointerScope();
          NoGradGuard g = new NoGradGuard()) {
        Tensor out = f.apply(in.narrow(0, from, n)).contiguous().to(torch.ScalarType.Float);
        float[] buf = new float[(int) out.numel()];
        out.data_ptr_float().get(buf);
        parts.add(buf);
        shape = out.shape();
      }
    }
    int per = parts.get(0).length / (int) Math.min(256, in.size(0));
    float[] all = new float[(int) in.size(0) * per];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    shape[0] = in.size(0);
    return Tensor.create(all).view(shape); // long-lived: created outside every scope
  }
}
