package io.papers4j.core.nn.text;

/**
 * BERT encoder hyperparameters, named as in a Hugging Face {@code BertConfig}.
 *
 * @param vocabSize vocabulary size (30,522 for uncased English BERT)
 * @param hiddenSize model width d
 * @param numHiddenLayers number of encoder layers
 * @param numAttentionHeads heads; d must divide evenly
 * @param intermediateSize feed-forward width (4·d in BERT)
 * @param maxPositionEmbeddings learned absolute positions
 * @param typeVocabSize segment (token type) vocabulary
 * @param layerNormEps LayerNorm epsilon (1e-12 in BERT)
 */
public record BertConfig(
    int vocabSize,
    int hiddenSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int intermediateSize,
    int maxPositionEmbeddings,
    int typeVocabSize,
    double layerNormEps) {

  public BertConfig {
    require(vocabSize > 0, "vocab_size must be positive");
    require(hiddenSize > 0 && numAttentionHeads > 0, "hidden_size and heads must be positive");
    require(hiddenSize % numAttentionHeads == 0,
        "hidden_size " + hiddenSize + " is not divisible by num_attention_heads " + numAttentionHeads);
    require(numHiddenLayers >= 0, "num_hidden_layers must be >= 0");
  }

  /** sentence-transformers/all-MiniLM-L6-v2. */
  public static BertConfig miniLmL6() {
    return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12);
  }

  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  public BertConfig withLayers(int layers) {
    return new BertConfig(vocabSize, hiddenSize, layers, numAttentionHeads, intermediateSize,
        maxPositionEmbeddings, typeVocabSize, layerNormEps);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("invalid BERT config: " + message);
  }
}
