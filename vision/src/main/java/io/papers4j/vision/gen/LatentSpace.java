package io.papers4j.vision.gen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A generator's input space when it is an {@link AutoencoderKL}'s latents (LDM, SD3, PixArt-Σ):
 *
 * <pre>
 * encode: x (N, C, S, S) in [−1, 1] → z = (μ(x) − shift)·scale      (N, L, S/f, S/f)
 * decode: z → D(z/scale + shift), clamped to [−1, 1]                (N, C, S, S)
 * </pre>
 *
 * with the posterior mean μ (no sampling, as diffusers' pipelines encode for training data) and the
 * autoencoder's measured {@code shift_factor} and {@code scaling_factor} (SD3's {@code
 * SD3LatentFormat}: scale 1.5305, shift 0.0609; a checkpoint without a shift has shift 0, SD 1.x's
 * convention). Both directions run in chunks of 256 inside their own pointer scopes and return
 * long-lived tensors. {@code dir} is where the autoencoder was loaded from (null when built in
 * memory).
 */
public record LatentSpace(Path dir, AutoencoderKL autoencoder) {
  private static final int CHUNK = 256;

  public static LatentSpace load(Path dir) {
    return new LatentSpace(dir, AutoencoderCheckpoint.load(dir));
  }

  public double scale() {
    return autoencoder.config().scalingFactor();
  }

  public double shift() {
    return autoencoder.config().shiftFactor();
  }

  /** Latent channels and side for images of side {@code size}. */
  public int[] shape(int size) {
    int f = autoencoder.config().factor();
    if (size % f != 0) throw new IllegalArgumentException("image side " + size + " is not a multiple of the autoencoder's factor " + f);
    return new int[] {autoencoder.config().latentChannels(), size / f};
  }

  /** (N, C, S, S) in [−1, 1] → (N, L, S/f, S/f) shifted and scaled latents, long-lived. */
  public Tensor encode(Tensor images) {
    return chunked(images, x -> autoencoder.encode(x).mean().sub(new Scalar(shift())).mul(new Scalar(scale())));
  }

  /** Shifted and scaled latents → images clamped to [−1, 1], long-lived. */
  public Tensor decode(Tensor latents) {
    return chunked(latents, z -> autoencoder.decode(z.div(new Scalar(scale())).add(new Scalar(shift())))
        .clamp(new ScalarOptional(new Scalar(-1)), new ScalarOptional(new Scalar(1))));
  }

  private static Tensor chunked(Tensor in, UnaryOperator<Tensor> f) {
    if (in.size(0) < 1) throw new IllegalArgumentException("nothing to encode or decode: batch of 0");
    List<float[]> parts = new ArrayList<>();
    long[] shape = null;
    for (long from = 0; from < in.size(0); from += CHUNK) {
      long n = Math.min(CHUNK, in.size(0) - from);
      try (PointerScope s = new PointerScope();
          NoGradGuard g = new NoGradGuard()) {
        Tensor out = f.apply(in.narrow(0, from, n)).contiguous().to(torch.ScalarType.Float);
        float[] buf = new float[(int) out.numel()];
        out.data_ptr_float().get(buf);
        parts.add(buf);
        shape = out.shape();
      }
    }
    int per = parts.get(0).length / (int) Math.min(CHUNK, in.size(0));
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
