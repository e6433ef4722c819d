package io.papers4j.multimodal.movie;

import io.papers4j.core.diffusion.EulerSampler;
import io.papers4j.core.diffusion.FlowSchedule;
import io.papers4j.core.diffusion.Guidance;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Keyframes from text: Euler integration of the flow ODE from noise (σ = 1) to an image (σ = 0) with
 * classifier-free guidance against the empty prompt. One noise seed per frame (the paper renders
 * frame i with seed 20 + i), so a frame does not change when others are added.
 */
public final class KeyframeSampler {
  private KeyframeSampler() {}

  /** Images (B, 3, S, S) in [−1, 1] for the conditions {@code cond}; seeds[i] draws frame i's noise. */
  public static Tensor sample(KeyframeDit model, TextFeatures.Encoded cond, TextFeatures.Encoded nul, long[] seeds, int steps, double cfg) {
    int s = model.config().imageSize();
    try (NoGradGuard g = new NoGradGuard()) {
      org.bytedeco.pytorch.TensorVector noise = new org.bytedeco.pytorch.TensorVector();
      for (long seed : seeds) {
        Generator gen = torch.createCPUGenerator(seed);
        noise.push_back(torch.randn(new long[] {1, 3, s, s}, new GeneratorOptional(gen), new TensorOptions()));
      }
      Tensor z1 = torch.cat(noise, 0); // (B, 3, S, S)
      EulerSampler.VelocityField c = (z, t) -> model.forward(z, torch.full(new long[] {z.size(0)}, new org.bytedeco.pytorch.Scalar(t)), cond);
      EulerSampler.VelocityField u = (z, t) -> model.forward(z, torch.full(new long[] {z.size(0)}, new org.bytedeco.pytorch.Scalar(t)), nul);
      return EulerSampler.sample(Guidance.guided(c, u, cfg), z1, FlowSchedule.sigmas(steps, 1.0)).clamp(
          new org.bytedeco.pytorch.ScalarOptional(new org.bytedeco.pytorch.Scalar(-1.0)), new org.bytedeco.pytorch.ScalarOptional(new org.bytedeco.pytorch.Scalar(1.0)));
    }
  }

  /** (B, 3, S, S) in [−1, 1] → RGB images. */
  public static List<BufferedImage> toImages(Tensor x) {
    int b = (int) x.size(0), h = (int) x.size(2), w = (int) x.size(3);
    float[] v = new float[b * 3 * h * w];
    x.contiguous().to(torch.ScalarType.Float).data_ptr_float().get(v);
    List<BufferedImage> out = new ArrayList<>();
    for (int f = 0; f < b; f++) {
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          int rgb = 0;
          for (int c = 0; c < 3; c++) rgb = (rgb << 8) | Math.max(0, Math.min(255, Math.round((v[((f * 3 + c) * h + y) * w + xx] + 1) / 2 * 255)));
          img.setRGB(xx, y, rgb);
        }
      }
      out.add(img);
    }
    return out;
  }
}
