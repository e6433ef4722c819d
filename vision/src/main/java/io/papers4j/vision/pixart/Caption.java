package io.papers4j.vision.pixart;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The text condition PixArt cross-attends to: frozen text-encoder token features, zero-padded to
 * the model's caption length, and the mask of real tokens.
 *
 * @param tokens (B, L, D) float32
 * @param mask (B, L) bool, true on real tokens
 */
public record Caption(Tensor tokens, Tensor mask) {
  public Caption {
    if (tokens == null || tokens.dim() != 3) throw new IllegalArgumentException("caption tokens must be (B, L, D)");
    if (mask == null || mask.dim() != 2 || mask.size(0) != tokens.size(0) || mask.size(1) != tokens.size(1)) {
      throw new IllegalArgumentException("caption mask must be (B, L) like its tokens " + java.util.Arrays.toString(tokens.shape()));
    }
  }

  public long batch() {
    return tokens.size(0);
  }

  /** The rows {@code idx} (int64). */
  public Caption select(Tensor idx) {
    return new Caption(tokens.index_select(0, idx), mask.index_select(0, idx));
  }

  /** Rows [from, from + n). */
  public Caption narrow(long from, long n) {
    return new Caption(tokens.narrow(0, from, n), mask.narrow(0, from, n));
  }

  /** Every row's mask all true (the null caption, which is a full-length learned-free table). */
  static Tensor allTokens(long b, long l) {
    return torch.ones(b, l).gt(new Scalar(0.5)); // (B, L) bool
  }
}
