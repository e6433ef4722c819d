package io.papers4j.vision.video;

import io.papers4j.core.nn.Embedding;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.unet.UNet2DConditionModel;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The image ("T2I") model that the video model freezes: the toolkit's {@link UNet2DConditionModel}
 * conditioned on one class token (the sprite colour or digit; index {@code contentClasses} is the
 * null class of classifier-free guidance) that its cross-attention reads.
 *
 * <pre>context = class_embedding(c)        // (N, 1, D)
 * ε̂ = unet(x_t, t, context)             // (N, 3, S, S)</pre>
 *
 * Names: {@code class_embedding.weight} and the UNet's diffusers names under {@code unet.}.
 */
public final class ImageModel implements Parameterized {
  public final UNet2DConditionModel unet;
  public final Embedding classEmbedding; // (classes + 1, D)
  private final VideoConfig config;

  public ImageModel(VideoConfig config, Init init) {
    this.config = config;
    this.unet = new UNet2DConditionModel(config.unet(), init);
    this.classEmbedding = new Embedding(config.contentClasses() + 1L, config.contextDim(), init);
  }

  public VideoConfig config() {
    return config;
  }

  /** The null class index (CFG). */
  public long nullClass() {
    return config.contentClasses();
  }

  /** classes (N) int64 → (N, 1, D). */
  public Tensor context(Tensor classes) {
    return classEmbedding.forward(classes).unsqueeze(1);
  }

  /** x (N, 3, S, S), t (N) model time, classes (N) → (N, 3, S, S). */
  public Tensor forward(Tensor x, Tensor t, Tensor classes) {
    return unet.forward(x, t, context(classes));
  }

  /** Stops gradients into every weight of the image model (frozen base). */
  public void freeze() {
    for (Tensor p : namedParameters().values()) p.set_requires_grad(false);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("class_embedding", classEmbedding).add("unet", unet).map();
  }
}
