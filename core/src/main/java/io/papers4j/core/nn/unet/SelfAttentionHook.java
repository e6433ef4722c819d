package io.papers4j.core.nn.unet;

import org.bytedeco.pytorch.Tensor;

/**
 * A per-forward hook on the self-attention of every {@link BasicTransformerBlock} of a UNet, called
 * once per block in forward order (down, mid, up) with the block's input hidden states h (B, N, C),
 * before {@code norm1}. It may return extra tokens e (B, M, C), in the same pre-norm space as h, that
 * the block's self-attention also attends to:
 *
 * <pre>n = norm1(h);  h ← h + attn1(q = n, k = v = [n ; norm1(e)])      // (B, N, C)</pre>
 *
 * <p>This equals the first N rows of h' + attn1(norm1(h')) for the concatenation h' = [h ; e] along
 * the token axis (LayerNorm acts per token, and the person queries see the same keys and values), so
 * the extra tokens change what the block's own tokens see but never add tokens to its output.
 * Returning null leaves the block exactly as without a hook. A hook that only records its argument
 * (and returns null) reads a UNet's per-block hidden states.
 */
@FunctionalInterface
public interface SelfAttentionHook {
  /** h (B, N, C) the block's input → extra self-attention tokens (B, M, C), or null for none. */
  Tensor extraTokens(Tensor hidden);
}
