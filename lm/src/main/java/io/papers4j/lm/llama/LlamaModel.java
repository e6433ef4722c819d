package io.papers4j.lm.llama;

import io.papers4j.core.nn.Attention;
import io.papers4j.core.nn.Embedding;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.KVCache;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.RMSNorm;
import io.papers4j.core.nn.SwiGLU;
import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.core.nn.pos.RopeEncodings;
import io.papers4j.core.nn.pos.RotaryEmbedding;
import io.papers4j.core.train.Trainable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/**
 * A LLaMA-family decoder (LLaMA-2/3, Mistral, Yi) with Hugging Face tensor names, so a real
 * checkpoint loads unchanged and ours load in transformers' {@code LlamaForCausalLM} /
 * {@code MistralForCausalLM}.
 *
 * <pre>h₀ = embed_tokens[ids]
 * hₗ' = hₗ + self_attn(input_layernorm(hₗ))            (RoPE, GQA, causal / sliding window)
 * hₗ₊₁ = hₗ' + mlp(post_attention_layernorm(hₗ'))      (SwiGLU)
 * logits = lm_head(norm(h_L))                           (lm_head tied to embed_tokens or not)</pre>
 *
 * <p>Shapes: ids (B, T) int64 → logits (B, T, V). Tensor names: {@code model.embed_tokens.weight},
 * {@code model.layers.{i}.self_attn.{q,k,v,o}_proj.weight}, {@code
 * model.layers.{i}.mlp.{gate,up,down}_proj.weight}, {@code model.layers.{i}.input_layernorm.weight},
 * {@code model.layers.{i}.post_attention_layernorm.weight}, {@code model.norm.weight}, {@code
 * lm_head.weight} (absent when tied).
 */
public final class LlamaModel implements Trainable {

  /** One pre-norm block: attention then MLP, each with a residual. */
  public static final class DecoderLayer implements Parameterized {
    public final RMSNorm inputLayernorm;
    public final Attention selfAttn;
    public final RMSNorm postAttentionLayernorm;
    public final SwiGLU mlp;

    DecoderLayer(LlamaConfig c, PositionEncoding pe, Init init) {
      this.inputLayernorm = new RMSNorm(c.hiddenSize(), c.rmsNormEps(), init);
      this.selfAttn =
          new Attention(
              new Attention.Config(
                  c.hiddenSize(), c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(),
                  c.attentionBias(), true, c.window()),
              pe,
              init);
      this.postAttentionLayernorm = new RMSNorm(c.hiddenSize(), c.rmsNormEps(), init);
      this.mlp = new SwiGLU(c.hiddenSize(), c.intermediateSize(), c.mlpBias(), init);
    }

    /** x (B, T, C) → (B, T, C). */
    public Tensor forward(Tensor x, Tensor positions, KVCache cache) {
      return forward(x, positions, cache, selfAttn.positionEncoding().at(positions));
    }

    /** The same with the position encoding bound to {@code positions} once for all layers. */
    public Tensor forward(Tensor x, Tensor positions, KVCache cache, PositionEncoding.AtPositions pe) {
      Tensor h = x.add(selfAttn.forward(inputLayernorm.forward(x), positions, cache, pe)); // (B, T, C)
      return h.add(mlp.forward(postAttentionLayernorm.forward(h))); // (B, T, C)
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      return new Params()
          .add("input_layernorm", inputLayernorm)
          .add("self_attn", selfAttn)
          .add("post_attention_layernorm", postAttentionLayernorm)
          .add("mlp", mlp)
          .map();
    }
  }

  /** Per-layer KV caches of one generation; create it outside any per-step PointerScope. */
  public static final class Cache {
    final KVCache[] layers;
    private final Tensor positions; // (capacity) int64: 0, 1, …, capacity − 1

    Cache(KVCache[] layers, int capacity) {
      this.layers = layers;
      this.positions = torch.arange(new Scalar((long) capacity));
    }

    /** Positions processed so far; the next token gets this position. */
    public long length() {
      return layers[0].length();
    }

    /** The positions (t) int64 of the next t tokens: length() … length() + t − 1. */
    public Tensor positions(long t) {
      long start = length();
      if (start + t <= positions.size(0)) return positions.narrow(0, start, t); // one call, no Scalars
      return torch.arange(new Scalar(start), new Scalar(start + t));
    }

    public KVCache layer(int i) {
      return layers[i];
    }
  }

  private final LlamaConfig config;
  public final Embedding embedTokens; // (V, C)
  public final List<DecoderLayer> layers;
  public final RMSNorm norm; // (C)
  public final Linear lmHead; // (V, C); null when tied to embedTokens
  private final PositionEncoding positionEncoding;

  /** Fresh float32 weights, N(0, initializer_range²), seeded; plain RoPE with rope_theta. */
  public LlamaModel(LlamaConfig config, long seed) {
    this(config, Init.normal(seed, config.initializerRange()), null);
  }

  /**
   * @param init weight initialiser (its dtype is the model's dtype)
   * @param positionEncoding the encoding every layer uses; null = the one config.json asks for:
   *     standard RoPE with {@code rope_theta}, or the {@code core.nn.pos} encoding of its {@code
   *     rope_scaling} (linear, dynamic, yarn, papers4j Resonance)
   */
  public LlamaModel(LlamaConfig config, Init init, PositionEncoding positionEncoding) {
    if (positionEncoding == null) {
      // rope_scaling (linear, dynamic, yarn, papers4j Resonance) → core.nn.pos; plain RoPE → core
      positionEncoding =
          RopeEncodings.forLlama(config.rope(), config.headDim(), config.maxPositionEmbeddings());
      if (positionEncoding == null) positionEncoding = new RotaryEmbedding(config.headDim(), config.ropeTheta());
    }
    this.config = config;
    this.positionEncoding = positionEncoding;
    this.embedTokens = new Embedding(config.vocabSize(), config.hiddenSize(), init);
    List<DecoderLayer> ls = new ArrayList<>();
    for (int i = 0; i < config.numHiddenLayers(); i++) ls.add(new DecoderLayer(config, positionEncoding, init));
    this.layers = List.copyOf(ls);
    this.norm = new RMSNorm(config.hiddenSize(), config.rmsNormEps(), init);
    this.lmHead = config.tieWordEmbeddings() ? null : new Linear(config.hiddenSize(), config.vocabSize(), false, init);
  }

  public LlamaConfig config() {
    return config;
  }

  public PositionEncoding positionEncoding() {
    return positionEncoding;
  }

  /** Logits (B, T, V) for ids (B, T) at positions 0 … T−1, without a cache. */
  public Tensor forward(Tensor ids) {
    return logits(hidden(ids, torch.arange(new Scalar(ids.size(1))), null));
  }

  /** Logits (B, T, V) for ids (B, T) that continue the sequence held by {@code cache}. */
  public Tensor forward(Tensor ids, Cache cache) {
    return logits(hidden(ids, cache.positions(ids.size(1)), cache));
  }

  /**
   * Final hidden states after {@code model.norm}: ids (B, T) → (B, T, C). Without gradients and inside a
   * caller's {@link PointerScope} (generation, serving), each layer runs in its own scope and only its
   * output moves to the caller's: a layer's intermediates are freed before the next layer allocates, so
   * the allocator reuses warm memory instead of holding every intermediate of the pass until the caller's
   * scope closes.
   */
  public Tensor hidden(Tensor ids, Tensor positions, Cache cache) {
    Tensor h = embed(ids); // (B, T, C)
    PositionEncoding.AtPositions pe = positionEncoding.at(positions); // RoPE cos/sin once for all layers
    PointerScope outer = GradMode.is_enabled() ? null : PointerScope.getInnerScope();
    for (int i = 0; i < layers.size(); i++) {
      KVCache layerCache = cache == null ? null : cache.layers[i];
      if (outer == null) {
        h = layers.get(i).forward(h, positions, layerCache, pe);
        continue;
      }
      try (PointerScope layerScope = new PointerScope()) {
        Tensor next = layers.get(i).forward(h, positions, layerCache, pe);
        outer.attach(next); // survives this scope
        h = next;
      }
    }
    return norm.forward(h);
  }

  /** The residual stream before layer 0 and after every layer (L + 1 tensors (B, T, C)), uncached. */
  public List<Tensor> residualStream(Tensor ids) {
    Tensor h = embed(ids); // (B, T, C)
    Tensor positions = torch.arange(new Scalar(ids.size(1)));
    List<Tensor> out = new ArrayList<>();
    out.add(h);
    PositionEncoding.AtPositions pe = positionEncoding.at(positions);
    for (DecoderLayer layer : layers) {
      h = layer.forward(h, positions, null, pe);
      out.add(h);
    }
    return out;
  }

  /** h (…, C) → logits (…, V). */
  public Tensor logits(Tensor h) {
    return lmHead == null ? Linear.linear(h, embedTokens.weight, null) : lmHead.forward(h);
  }

  /** Mean next-token cross entropy; targets (B, T) are the ids shifted by one (−100 = ignore). */
  @Override
  public Tensor loss(Tensor inputs, Tensor targets) {
    Tensor logits = forward(inputs); // (B, T, V); bfloat16 under BF16 autocast
    long v = logits.size(-1);
    // the loss reduces in float32 whatever precision the forward ran in
    return torch.cross_entropy(logits.reshape(-1, v).to(ScalarType.Float), targets.reshape(-1));
  }

  /**
   * log p(ids[t] | ids[<t]) for t = 1 … T−1 of one sequence, as a Java array of length T−1
   * (the first id has no prediction).
   */
  public double[] nextTokenLogProbs(long[] ids) {
    if (ids.length < 2) return new double[0];
    Tensor x = Tensor.create(ids).unsqueeze(0); // (1, T)
    Tensor logp = forward(x).select(0, 0).to(ScalarType.Double).log_softmax(-1); // (T, V)
    Tensor next = Tensor.create(java.util.Arrays.copyOfRange(ids, 1, ids.length)).unsqueeze(1); // (T-1, 1)
    Tensor picked = logp.narrow(0, 0, ids.length - 1).gather(1, next).squeeze(1).contiguous(); // (T-1)
    double[] out = new double[ids.length - 1];
    new org.bytedeco.javacpp.DoublePointer(picked.data_ptr()).get(out);
    return out;
  }

  /** A cache for {@code batch} sequences of up to {@code capacity} positions (rolling for Mistral). */
  public Cache newCache(long batch, int capacity) {
    ScalarType dtype = embedTokens.weight.scalar_type().intern();
    KVCache[] cs = new KVCache[layers.size()];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = KVCache.create(batch, config.numKeyValueHeads(), config.headDim(), capacity, config.window(), dtype);
    }
    return new Cache(cs, capacity);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("model.embed_tokens", embedTokens);
    for (int i = 0; i < layers.size(); i++) p.add("model.layers." + i, layers.get(i));
    p.add("model.norm", norm);
    if (lmHead != null) p.add("lm_head", lmHead);
    return p.map();
  }

  /**
   * Loads HF-named tensors, validating every name and shape first (the message names the
   * offender and {@code origin}). A tied model ignores a redundant {@code lm_head.weight}.
   */
  public void load(Map<String, Tensor> tensors, String origin) {
    Map<String, Tensor> src = new LinkedHashMap<>(tensors);
    if (lmHead == null) src.remove("lm_head.weight");
    // transformers may store rotary inverse frequencies as buffers; they are recomputed here
    src.keySet().removeIf(k -> k.endsWith("rotary_emb.inv_freq"));
    Params.load(this, src, origin);
  }

  /**
   * The embedding of ids (B, T). The range check runs only when the lookup fails (libtorch rejects
   * an id outside the table), to name the offending id: checking every call first costs two
   * reductions and two reads back to Java (~20-45 µs per decode step, measured).
   */
  private Tensor embed(Tensor ids) {
    if (ids.dim() != 2) throw new IllegalArgumentException("token ids must be (B, T), got " + java.util.Arrays.toString(ids.shape()));
    try {
      return embedTokens.forward(ids);
    } catch (RuntimeException e) {
      checkIds(ids);
      throw e;
    }
  }

  private void checkIds(Tensor ids) {
    if (ids.dim() != 2) throw new IllegalArgumentException("token ids must be (B, T), got " + java.util.Arrays.toString(ids.shape()));
    if (ids.numel() == 0) return;
    long lo = ids.min().item_long();
    long hi = ids.max().item_long();
    if (lo < 0 || hi >= config.vocabSize()) {
      throw new IllegalArgumentException(
          "token id out of range [0, " + config.vocabSize() + "): found " + (lo < 0 ? lo : hi));
    }
  }
}
