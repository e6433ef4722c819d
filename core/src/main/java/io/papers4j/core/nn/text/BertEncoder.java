package io.papers4j.core.nn.text;

import io.papers4j.core.nn.Parameterized;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * A BERT encoder (post-LayerNorm transformer) with Hugging Face tensor names, for inference.
 *
 * <pre>
 *   h_0     = LN(E_word[ids] + E_pos[0..T) + E_type[types])                 (B, T, d)
 *   a_i     = LN(h_i + W_o · MHA(W_q h_i, W_k h_i, W_v h_i; padding mask))   (B, T, d)
 *   h_{i+1} = LN(a_i + W_2 · GELU_erf(W_1 a_i))                              (B, T, d)
 * </pre>
 *
 * Layers can be removed ({@link #withLayers}) without copying weights: the model keeps a list of
 * the original layer indices it runs, which is what ShortGPT's pruning studies need.
 */
public final class BertEncoder implements Parameterized {
  private final BertConfig config;
  private final Map<String, Tensor> weights; // HF names, e.g. encoder.layer.0.attention.self.query.weight
  private final List<Integer> layers; // original indices of the layers this model runs, in order

  public BertEncoder(BertConfig config, Map<String, Tensor> weights) {
    this(config, weights, range(config.numHiddenLayers()));
    for (String name : expectedNames(config)) {
      if (!weights.containsKey(name)) {
        throw new IllegalArgumentException("BERT weights lack tensor '" + name + "'");
      }
    }
  }

  private BertEncoder(BertConfig config, Map<String, Tensor> weights, List<Integer> layers) {
    this.config = config;
    this.weights = weights;
    this.layers = List.copyOf(layers);
  }

  public BertConfig config() {
    return config;
  }

  /** Original layer indices this encoder runs. */
  public List<Integer> layers() {
    return layers;
  }

  /** A view of this encoder that runs only {@code keep} (original indices, in order). */
  public BertEncoder withLayers(List<Integer> keep) {
    for (int i : keep) {
      if (i < 0 || i >= config.numHiddenLayers()) {
        throw new IllegalArgumentException("layer " + i + " out of range 0.." + (config.numHiddenLayers() - 1));
      }
    }
    return new BertEncoder(config, weights, keep);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String n : expectedNames(config)) {
      if (n.startsWith("encoder.layer.")) {
        int i = Integer.parseInt(n.split("\\.")[2]);
        int pos = layers.indexOf(i);
        if (pos < 0) continue;
        out.put(n.replaceFirst("encoder\\.layer\\." + i + "\\.", "encoder.layer." + pos + "."), weights.get(n));
      } else {
        out.put(n, weights.get(n));
      }
    }
    return out;
  }

  /**
   * Runs the encoder and returns every hidden state: entry 0 is the embedding output, entry k the
   * output of the k-th layer run (so {@code layers().size() + 1} tensors, each (B, T, d)).
   *
   * @param ids token ids (B, T), int64
   * @param attentionMask 1 for real tokens, 0 for padding (B, T)
   */
  public List<Tensor> hiddenStates(Tensor ids, Tensor attentionMask) {
    return hiddenStatesFromEmbeddings(torch.embedding(wordEmbeddings(), ids), attentionMask); // (B, T, d) word rows
  }

  /** The word-embedding table (V, d); frozen pretrained weights, never to be written. */
  public Tensor wordEmbeddings() {
    return w("embeddings.word_embeddings.weight");
  }

  /**
   * As {@link #hiddenStates}, from word embeddings the caller looked up (B, T, d) — e.g. with one
   * row replaced by a learned vector (textual inversion) — instead of token ids. Position and
   * token-type embeddings and the embedding LayerNorm are applied here as for ids.
   */
  public List<Tensor> hiddenStatesFromEmbeddings(Tensor wordEmbeds, Tensor attentionMask) {
    long b = wordEmbeds.size(0);
    long t = wordEmbeds.size(1);
    if (t > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException("sequence of " + t + " tokens exceeds max_position_embeddings "
          + config.maxPositionEmbeddings());
    }
    Tensor positions = torch.arange(new Scalar(t)).unsqueeze(0); // (1, T)
    Tensor types = torch.zeros(new long[] {b, t}, new org.bytedeco.pytorch.TensorOptions().dtype(
        new org.bytedeco.pytorch.ScalarTypeOptional(torch.ScalarType.Long))); // (B, T), single segment
    Tensor h = wordEmbeds
        .add(torch.embedding(w("embeddings.position_embeddings.weight"), positions))
        .add(torch.embedding(w("embeddings.token_type_embeddings.weight"), types)); // (B, T, d)
    h = layerNorm(h, "embeddings.LayerNorm");
    // Additive mask: 0 where attended, a large negative number at padding keys.  (B, 1, 1, T)
    Tensor keyMask = attentionMask.to(torch.ScalarType.Float).view(b, 1, 1, t);
    Tensor additive = keyMask.neg().add(new Scalar(1.0)).mul(new Scalar(-Float.MAX_VALUE));
    List<Tensor> states = new ArrayList<>();
    states.add(h);
    for (int i : layers) {
      h = layer(h, additive, "encoder.layer." + i + ".");
      states.add(h);
    }
    return states;
  }

  /**
   * What a generative model conditions on, from one pass: the last layer's token features, the
   * attention mask that marks real tokens, and the pooled sentence vector.
   *
   * @param tokens (B, T, d) last hidden state
   * @param mask (B, T) 1 for real tokens, 0 for padding
   * @param pooled (B, d) mean-pooled, L2-normalised ({@link #meanPool})
   */
  public record Features(Tensor tokens, Tensor mask, Tensor pooled) {}

  /** Token features and pooled vector of a tokenised batch; ids and mask (B, T). */
  public Features features(Tensor ids, Tensor attentionMask) {
    return featuresFromEmbeddings(torch.embedding(wordEmbeddings(), ids), attentionMask);
  }

  /** {@link #features} from word embeddings (B, T, d), see {@link #hiddenStatesFromEmbeddings}. */
  public Features featuresFromEmbeddings(Tensor wordEmbeds, Tensor attentionMask) {
    List<Tensor> hs = hiddenStatesFromEmbeddings(wordEmbeds, attentionMask);
    Tensor last = hs.get(hs.size() - 1); // (B, T, d)
    return new Features(last, attentionMask, meanPool(last, attentionMask));
  }

  /** Mean-pooled, L2-normalised sentence embeddings (sentence-transformers' pooling). (B, d) */
  public Tensor sentenceEmbedding(Tensor ids, Tensor attentionMask) {
    List<Tensor> hs = hiddenStates(ids, attentionMask);
    return meanPool(hs.get(hs.size() - 1), attentionMask);
  }

  /** Masked mean over tokens followed by L2 normalisation. (B, T, d) -> (B, d) */
  public static Tensor meanPool(Tensor hidden, Tensor attentionMask) {
    Tensor m = attentionMask.to(torch.ScalarType.Float).unsqueeze(-1); // (B, T, 1)
    Tensor summed = hidden.mul(m).sum(new long[] {1}, false, new ScalarTypeOptional()); // (B, d)
    Tensor counts = m.sum(new long[] {1}, false, new ScalarTypeOptional()).clamp_min(new Scalar(1e-9));
    Tensor mean = summed.div(counts); // (B, d)
    Tensor norm = mean.mul(mean).sum(new long[] {1}, true, new ScalarTypeOptional()).sqrt()
        .clamp_min(new Scalar(1e-12)); // (B, 1)
    return mean.div(norm);
  }

  private Tensor layer(Tensor h, Tensor additiveMask, String p) {
    long b = h.size(0);
    long t = h.size(1);
    int nh = config.numAttentionHeads();
    int hd = config.headDim();
    Tensor q = linear(h, p + "attention.self.query").view(b, t, nh, hd).transpose(1, 2); // (B, H, T, hd)
    Tensor k = linear(h, p + "attention.self.key").view(b, t, nh, hd).transpose(1, 2);
    Tensor v = linear(h, p + "attention.self.value").view(b, t, nh, hd).transpose(1, 2);
    Tensor scores = torch.matmul(q, k.transpose(-2, -1)).div(new Scalar(Math.sqrt(hd))).add(additiveMask);
    Tensor ctx = torch.matmul(torch.softmax(scores, -1), v); // (B, H, T, hd)
    ctx = ctx.transpose(1, 2).contiguous().view(b, t, (long) nh * hd); // (B, T, d)
    Tensor a = layerNorm(linear(ctx, p + "attention.output.dense").add(h), p + "attention.output.LayerNorm");
    Tensor ff = torch.gelu(linear(a, p + "intermediate.dense")); // exact (erf) GELU as BERT
    return layerNorm(linear(ff, p + "output.dense").add(a), p + "output.LayerNorm");
  }

  private Tensor linear(Tensor x, String name) {
    return torch.linear(x, w(name + ".weight"), new TensorOptional(w(name + ".bias")));
  }

  private Tensor layerNorm(Tensor x, String name) {
    return torch.layer_norm(x, new long[] {config.hiddenSize()}, new TensorOptional(w(name + ".weight")),
        new TensorOptional(w(name + ".bias")), config.layerNormEps(), false);
  }

  private Tensor w(String name) {
    Tensor t = weights.get(name);
    if (t == null) throw new IllegalStateException("missing BERT tensor " + name);
    return t;
  }

  /** Every tensor name a BERT encoder of this config needs, in Hugging Face naming. */
  public static List<String> expectedNames(BertConfig c) {
    List<String> n = new ArrayList<>();
    n.add("embeddings.word_embeddings.weight");
    n.add("embeddings.position_embeddings.weight");
    n.add("embeddings.token_type_embeddings.weight");
    n.add("embeddings.LayerNorm.weight");
    n.add("embeddings.LayerNorm.bias");
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String p = "encoder.layer." + i + ".";
      for (String lin : List.of("attention.self.query", "attention.self.key", "attention.self.value",
          "attention.output.dense", "intermediate.dense", "output.dense")) {
        n.add(p + lin + ".weight");
        n.add(p + lin + ".bias");
      }
      for (String ln : List.of("attention.output.LayerNorm", "output.LayerNorm")) {
        n.add(p + ln + ".weight");
        n.add(p + ln + ".bias");
      }
    }
    return Collections.unmodifiableList(n);
  }

  private static List<Integer> range(int n) {
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i < n; i++) r.add(i);
    return r;
  }
}
