package io.papers4j.vision.video;

import io.papers4j.core.diffusion.DdimSampler;
import io.papers4j.core.diffusion.Guidance;
import io.papers4j.core.diffusion.VariancePreserving;
import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Image-to-video sampling and iterative frame prediction (paper §3.3), from pure Gaussian noise
 * (no noise prior): DDIM with trailing timestep spacing ending on a clean x̂₀, classifier-free
 * guidance on image and motion together,
 *
 * <pre>out = out(∅, ∅) + w·(out(image, motion) − out(∅, ∅))</pre>
 *
 * (the paper does not give its combination; this is the simplest joint one). A rollout keeps the
 * last L frames of each window as the next window's given frames.
 */
public final class VideoSampler {
  private VideoSampler() {}

  /** Clips (B, T, 3, S, S) in [−1, 1] for condition {@code c}. */
  public static Tensor sample(VideoModel model, VideoModel.Cond c, int frames, int steps, double cfg, long seed) {
    VariancePreserving process = model.config().videoProcess();
    int s = model.config().imageSize();
    long b = c.motion().size(0);
    boolean[] none = new boolean[(int) b], all = new boolean[(int) b];
    Arrays.fill(all, true);
    float[] out = new float[(int) (b * frames * 3 * s * s)];
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      Tensor x = VideoTraining.gaussian(new long[] {b, frames, 3, s, s}, seed); // updated in place, one scope per step
      DdimSampler.Denoiser cond = (xt, t) -> model.forward(xt, timestep(t, b), c, none, none);
      DdimSampler.Denoiser uncond = (xt, t) -> model.forward(xt, timestep(t, b), c, all, all);
      DdimSampler.Denoiser d = Guidance.guidedDenoiser(cond, uncond, cfg);
      DdimSampler.Options opts = DdimSampler.Options.trailing();
      for (int t : DdimSampler.timesteps(process.trainTimesteps(), steps, opts)) {
        try (PointerScope step = new PointerScope()) {
          x.copy_(DdimSampler.step(process, d.output(x, t), x, t, steps, opts));
        }
      }
      x.clamp(new ScalarOptional(new Scalar(-1.0)), new ScalarOptional(new Scalar(1.0))).contiguous().data_ptr_float().get(out);
    }
    return Tensor.create(out, b, frames, 3, s, s).clone();
  }

  /**
   * Image-to-video: the image (B, 3, S, S) is frame 0 of a T-frame clip.
   *
   * @param content class token of the image model (the null class when unknown)
   */
  public static Tensor animate(VideoModel model, Tensor image, long[] content, long[] motion, int frames, int steps, double cfg, long seed) {
    long b = image.size(0), s = image.size(2);
    Tensor first = image.unsqueeze(1); // (B, 1, 3, S, S)
    Tensor rest = torch.zeros(new long[] {b, frames - 1, 3, s, s});
    float[] m = new float[(int) (b * frames)];
    for (int i = 0; i < b; i++) m[i * frames] = 1f;
    VideoModel.Cond c = new VideoModel.Cond(torch.cat(new TensorVector(first, rest), 1), Tensor.create(m, b, frames).clone(), image,
        Tensor.create(content, (int) b).clone(), Tensor.create(motion, (int) b).clone());
    return sample(model, c, frames, steps, cfg, seed);
  }

  /**
   * Frame prediction: starts from {@code start} (B, L, 3, S, S) and adds T − L new frames per
   * iteration, each window conditioned on the last L frames so far. Returns (B, L + iterations·(T − L), 3, S, S).
   */
  public static Tensor rollout(VideoModel model, Tensor start, long[] content, long[] motion, int frames, int iterations, int steps,
      double cfg, long seed) {
    long b = start.size(0), given = start.size(1), s = start.size(3);
    if (given < 1 || given >= frames) throw new IllegalArgumentException("given frames must be in [1, " + (frames - 1) + "], got " + given);
    float[] m = new float[(int) (b * frames)];
    for (int i = 0; i < b; i++) for (int f = 0; f < given; f++) m[(int) (i * frames + f)] = 1f;
    Tensor mask = Tensor.create(m, b, frames).clone();
    Tensor video = start;
    for (int it = 0; it < iterations; it++) {
      {
        Tensor window = video.narrow(1, video.size(1) - given, given); // (B, L, 3, S, S)
        Tensor givenFrames = torch.cat(new TensorVector(window, torch.zeros(new long[] {b, frames - given, 3, s, s})), 1);
        VideoModel.Cond c = new VideoModel.Cond(givenFrames, mask, window.select(1, given - 1).contiguous(), Tensor.create(content, (int) b).clone(),
            Tensor.create(motion, (int) b).clone());
        Tensor clip = sample(model, c, frames, steps, cfg, seed + it);
        video = torch.cat(new TensorVector(video, clip.narrow(1, given, frames - given)), 1);
      }
    }
    return video;
  }

  /**
   * The frozen image model alone: images (N, 3, S, S) in [−1, 1] of the given content classes, by the
   * same DDIM (trailing spacing, from pure noise) with CFG out(∅) + w·(out(c) − out(∅)) on the class.
   */
  public static Tensor sampleImages(ImageModel model, long[] classes, int steps, double cfg, long seed) {
    VariancePreserving process = model.config().imageProcess();
    int s = model.config().imageSize(), n = classes.length;
    long[] none = new long[n];
    Arrays.fill(none, model.nullClass());
    float[] out = new float[n * 3 * s * s];
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      Tensor c = Tensor.create(classes, n).clone(), u = Tensor.create(none, n).clone();
      Tensor x = VideoTraining.gaussian(new long[] {n, 3, s, s}, seed);
      DdimSampler.Denoiser d = Guidance.guidedDenoiser((xt, t) -> model.forward(xt, timestep(t, n), c), (xt, t) -> model.forward(xt, timestep(t, n), u), cfg);
      DdimSampler.Options opts = DdimSampler.Options.trailing();
      for (int t : DdimSampler.timesteps(process.trainTimesteps(), steps, opts)) {
        try (PointerScope step = new PointerScope()) {
          x.copy_(DdimSampler.step(process, d.output(x, t), x, t, steps, opts));
        }
      }
      x.clamp(new ScalarOptional(new Scalar(-1.0)), new ScalarOptional(new Scalar(1.0))).contiguous().data_ptr_float().get(out);
    }
    return Tensor.create(out, n, 3, s, s).clone();
  }

  private static Tensor timestep(int t, long b) {
    return torch.full(new long[] {b}, new Scalar((float) t));
  }
}
