package io.papers4j.design2code;

/**
 * An image encoder for the visual score. Input: one image after CLIP's preprocessing, a (3, 224,
 * 224) float array in channel-major order, normalised with CLIP's mean and std. Output: an
 * embedding; the visual score is the cosine similarity of two embeddings.
 *
 * <p>The paper uses OpenAI CLIP ViT-B/32, whose weights cannot be obtained offline here; a
 * CLIP-compatible implementation (e.g. a ViT-B/32 loaded from safetensors) plugs in by
 * implementing this interface and passing it to {@link VisualScore}.
 */
public interface ImageEncoder {
  /** Name reported beside every visual score (never "CLIP" for a substitute). */
  String name();

  float[] embed(float[] chw224);
}
