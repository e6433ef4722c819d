package io.papers4j.core.nn;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Token embedding: row lookup {@code y[b, t] = W[ids[b, t]]}.
 *
 * <p>Shapes: ids (…) int64 → y (…, dim); {@code weight} (num_embeddings, dim), N(0, std²).
 */
public final class Embedding implements Parameterized {
  public final Tensor weight; // (V, C)

  public Embedding(long numEmbeddings, long dim, Init init) {
    this.weight = init.weights(numEmbeddings, dim);
  }

  public Tensor forward(Tensor ids) {
    return torch.embedding(weight, ids); // (…, C)
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("weight", weight).map();
  }
}
