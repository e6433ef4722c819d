package io.papers4j.multimodal.movie;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.diffusion.RectifiedFlow;
import io.papers4j.core.diffusion.TimeSampler;
import io.papers4j.core.io.Safetensors;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Precision;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Style immobilisation (paper §3.2, eq. 5): textual inversion of ONE token embedding row — the
 * style keyword's — on the frozen keyframe model and frozen text encoder,
 *
 * <pre>v* = argmin_v  E_{x, ε, t} ‖ε − x − v_θ(z_t, t, c(y; v))‖²,   y = "a picture in {keyword} style: …"</pre>
 *
 * over a handful of images in the target style. The row starts as a copy of the keyword's own
 * embedding (the paper's "copy of a start token"); AdamW with weight decay 1e-2 as the paper.
 * The result is the row alone, saved as {@code style_embedding.safetensors} ({keyword: (d)}).
 */
public final class StyleInversion {
  /** A learned row for a keyword's token. */
  public record Learned(String keyword, long tokenId, Tensor row) {
    /** Features of prompts with the learned row in place of the keyword's. */
    public TextFeatures.Encoded encode(TextFeatures text, List<String> prompts) {
      try (NoGradGuard g = new NoGradGuard()) {
        return text.encode(prompts, tokenId, row);
      }
    }

    /** Writes {keyword: row} to {@code file}. */
    public void save(Path file) {
      Safetensors.write(file, Map.of(keyword, row.detach().contiguous()), Map.of("token_id", Long.toString(tokenId)));
    }
  }

  /** @param steps optimiser steps (paper 460); lr AdamW learning rate; batch images per step */
  public record Options(int steps, double lr, int batch, long seed) {
    public Options {
      if (steps < 1 || batch < 1 || !(lr > 0)) throw new IllegalArgumentException("steps, batch and lr must be positive");
    }
  }

  private StyleInversion() {}

  /**
   * Learns the keyword's row from {@code images} (captioned by {@code descriptions}, the frame texts
   * without style words). Only the row receives gradients; every weight of {@code model} and of the
   * text encoder is left untouched.
   */
  public static Learned learn(KeyframeDit model, TextFeatures text, String keyword, List<BufferedImage> images, List<String> descriptions,
      Options o) {
    return learn(model, text, keyword, images, descriptions, o, Precision.F32);
  }

  /** As above with the forward passes in {@code precision} (the learned row and its optimizer state stay float32). */
  public static Learned learn(KeyframeDit model, TextFeatures text, String keyword, List<BufferedImage> images, List<String> descriptions,
      Options o, Precision precision) {
    if (images.isEmpty() || images.size() != descriptions.size()) throw new IllegalArgumentException("textual inversion needs images with one description each");
    long id = text.tokenId(keyword);
    Map<String, Tensor> frozen = model.namedParameters();
    frozen.values().forEach(w -> w.requires_grad_(false));
    Tensor row = text.encoder().wordEmbeddings().select(0, id).detach().clone().requires_grad_(true); // (d)
    Tensor x0All = KeyframeTraining.toSigned(images); // (K, 3, S, S)
    List<String> prompts = new ArrayList<>();
    for (String d : descriptions) prompts.add("a picture in " + keyword + " style: " + d);
    AdamW opt = new AdamW(Map.of("style_row", row), new AdamConfig(o.lr(), 0.9, 0.999, 1e-8, 1e-2));
    TimeSampler times = new TimeSampler.LogitNormal(0, 1);
    SplittableRandom rng = new SplittableRandom(o.seed());
    try {
      for (int step = 0; step < o.steps(); step++) {
        try (PointerScope scope = new PointerScope()) {
          long[] idx = new long[o.batch()];
          float[] ts = new float[o.batch()];
          List<String> ps = new ArrayList<>();
          for (int b = 0; b < o.batch(); b++) {
            idx[b] = rng.nextInt(images.size());
            ts[b] = (float) times.sample(rng);
            ps.add(prompts.get((int) idx[b]));
          }
          Tensor x0 = x0All.index_select(0, Tensor.create(idx));
          Tensor t = Tensor.create(ts);
          Tensor eps = torch.randn_like(x0);
          Tensor loss;
          try (Precision.Region cast = precision.autocast()) {
            loss = RectifiedFlow.loss(model.forward(RectifiedFlow.interpolate(x0, eps, t), t, text.encode(ps, id, row)).to(torch.ScalarType.Float), x0, eps);
          }
          opt.zeroGrad();
          NativeExit.backward(loss, precision);
          opt.step();
        }
      }
    } finally {
      frozen.values().forEach(w -> w.requires_grad_(true));
    }
    return new Learned(keyword, id, row.detach().clone());
  }

  /** Reads a file written by {@link Learned#save}. */
  public static Learned load(Path file, TextFeatures text) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("style embedding not found: " + file);
    Map<String, Tensor> m = Safetensors.read(file);
    if (m.size() != 1) throw new IllegalArgumentException(file + ": a style embedding holds exactly one tensor, found " + m.size());
    var e = m.entrySet().iterator().next();
    StoryWorld.style(e.getKey());
    if (e.getValue().dim() != 1 || e.getValue().size(0) != text.encoder().wordEmbeddings().size(1)) {
      throw new IllegalArgumentException(file + ": tensor " + e.getKey() + " must have shape (" + text.encoder().wordEmbeddings().size(1) + ")");
    }
    return new Learned(e.getKey(), text.tokenId(e.getKey()), e.getValue());
  }
}
