package io.papers4j.multimodal.vlm;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Flamingo's "only attend to the immediately preceding media" rule: a text token at position t
 * attends to the visual tokens of the most recent {@code <image>} at or before t, and to nothing when
 * no image precedes it (its cross-attention output is zero).
 *
 * <pre>mediaIndex[b, t] = Σ_{s ≤ t} [ids[b, s] = <image>]     (0 = no image yet, n = the n-th image)
 * allowed[b, t, k] = mediaIndex[b, t] = 1 + ⌊k / L⌋           (L visual tokens per image)</pre>
 */
public final class MediaMask {
  private MediaMask() {}

  /** ids (B, T) int64 → (B, T) int64: 1-based index of the latest image at or before t, 0 if none. */
  public static Tensor mediaIndex(Tensor ids, long imageTokenId) {
    return ids.eq(new Scalar(imageTokenId)).to(torch.ScalarType.Long).cumsum(1); // (B, T)
  }

  /**
   * The cross-attention mask: (B, T, N·L) bool, true where text token t may see visual token k of
   * image ⌊k / L⌋ (images in order of their {@code <image>} tokens).
   */
  public static Tensor allowed(Tensor ids, long imageTokenId, long images, long tokensPerImage) {
    Tensor idx = mediaIndex(ids, imageTokenId); // (B, T)
    Tensor keyImage = torch.arange(new Scalar(images)).add(new Scalar(1))
        .repeat_interleave(tokensPerImage); // (N·L)
    return idx.unsqueeze(2).eq(keyImage.view(1, 1, -1)); // (B, T, N·L)
  }
}
