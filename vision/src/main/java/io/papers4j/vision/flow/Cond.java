package io.papers4j.vision.flow;

import org.bytedeco.pytorch.Tensor;

/**
 * What a flow model is conditioned on, one of: class labels (B) int64, word ids of captions (B, L)
 * int64, or frozen text-encoder features: token features (B, L, contextDim) and a pooled vector (B,
 * pooledDim). The null condition of classifier-free guidance is {@link FlowModel#nullCond}.
 */
public record Cond(Tensor labels, Tensor words, Tensor context, Tensor pooled) {
  public static Cond classes(Tensor labels) {
    return new Cond(labels, null, null, null);
  }

  public static Cond words(Tensor ids) {
    return new Cond(null, ids, null, null);
  }

  public static Cond features(Tensor context, Tensor pooled) {
    return new Cond(null, null, context, pooled);
  }

  public long batch() {
    return labels != null ? labels.size(0) : words != null ? words.size(0) : context.size(0);
  }
}
