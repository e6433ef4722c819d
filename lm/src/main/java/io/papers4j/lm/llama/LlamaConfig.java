package io.papers4j.lm.llama;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hyperparameters of a LLaMA-family decoder (LLaMA-2/3, Mistral, Yi), field for field the keys of
 * a Hugging Face {@code config.json} ({@code LlamaConfig} / {@code MistralConfig} of transformers
 * 4.x). Java names are the camel-case form of the HF key named in each comment.
 *
 * @param modelType {@code model_type}: "llama" or "mistral" (decides {@code architectures})
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size}, C
 * @param intermediateSize {@code intermediate_size}, F of the SwiGLU MLP (LLaMA: ~8/3·C)
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param numAttentionHeads {@code num_attention_heads}, H
 * @param numKeyValueHeads {@code num_key_value_heads}, H_kv (GQA when < H; HF default H)
 * @param headDim {@code head_dim}, D (HF default C / H)
 * @param maxPositionEmbeddings {@code max_position_embeddings}: the trained context
 * @param rmsNormEps {@code rms_norm_eps} (1e-5 for LLaMA-2/Mistral/Yi; HF default 1e-6)
 * @param ropeTheta {@code rope_theta} (10 000 LLaMA-2/Mistral, 500 000 LLaMA-3, 5 000 000 Yi)
 * @param ropeScaling {@code rope_scaling} block as read (null = plain RoPE); kept so configs
 *     round-trip, interpreted by {@code lm.rope}
 * @param tieWordEmbeddings {@code tie_word_embeddings}: lm_head shares embed_tokens' matrix
 * @param slidingWindow {@code sliding_window} (Mistral; null or 0 = full attention)
 * @param attentionBias {@code attention_bias}: biases on q/k/v/o
 * @param mlpBias {@code mlp_bias}: biases on the MLP projections
 * @param hiddenAct {@code hidden_act}: only "silu" is supported
 * @param initializerRange {@code initializer_range}: std of the N(0, σ²) init (0.02)
 * @param bosTokenId {@code bos_token_id} (null if none)
 * @param eosTokenId {@code eos_token_id}, one id or a list (LLaMA-3.1 has several)
 * @param padTokenId {@code pad_token_id} (null if none)
 * @param torchDtype {@code torch_dtype} of the stored weights ("float32", "bfloat16", …)
 */
public record LlamaConfig(
    String modelType,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    int maxPositionEmbeddings,
    double rmsNormEps,
    double ropeTheta,
    Map<String, Object> ropeScaling,
    boolean tieWordEmbeddings,
    Integer slidingWindow,
    boolean attentionBias,
    boolean mlpBias,
    String hiddenAct,
    double initializerRange,
    Integer bosTokenId,
    List<Integer> eosTokenId,
    Integer padTokenId,
    String torchDtype) {

  /** The preset names accepted by {@link #preset}. */
  public static final List<String> PRESETS =
      List.of("tiny", "small", "llama2-7b", "llama3-8b", "mistral-7b", "yi-6b");

  public LlamaConfig {
    require(modelType != null && !modelType.isBlank(), "model_type must be set");
    require(vocabSize > 0, "vocab_size must be > 0, got " + vocabSize);
    require(hiddenSize > 0, "hidden_size must be > 0, got " + hiddenSize);
    require(intermediateSize > 0, "intermediate_size must be > 0, got " + intermediateSize);
    require(numHiddenLayers > 0, "num_hidden_layers must be > 0, got " + numHiddenLayers);
    require(numAttentionHeads > 0, "num_attention_heads must be > 0, got " + numAttentionHeads);
    require(
        numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0,
        "num_key_value_heads (" + numKeyValueHeads + ") must divide num_attention_heads ("
            + numAttentionHeads + ")");
    require(headDim > 0 && headDim % 2 == 0, "head_dim must be positive and even, got " + headDim);
    require(maxPositionEmbeddings > 0, "max_position_embeddings must be > 0");
    require(rmsNormEps > 0, "rms_norm_eps must be > 0, got " + rmsNormEps);
    require(ropeTheta > 0, "rope_theta must be > 0, got " + ropeTheta);
    require(slidingWindow == null || slidingWindow >= 0, "sliding_window must be >= 0");
    require("silu".equals(hiddenAct), "hidden_act '" + hiddenAct + "' is not supported (only silu)");
    eosTokenId = eosTokenId == null ? List.of() : List.copyOf(eosTokenId);
    ropeScaling =
        ropeScaling == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ropeScaling));
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("invalid LLaMA config: " + message);
  }

  /** Window W for attention masks, 0 for full attention. */
  public int window() {
    return slidingWindow == null ? 0 : slidingWindow;
  }

  /** Number of scalar parameters a model of this shape holds (tied embeddings counted once). */
  public long parameterCount() {
    long c = hiddenSize, q = (long) numAttentionHeads * headDim, kv = (long) numKeyValueHeads * headDim;
    long attn = c * q + 2 * c * kv + q * c + (attentionBias ? q + 2 * kv + c : 0);
    long mlp = 3 * c * intermediateSize + (mlpBias ? 2L * intermediateSize + c : 0);
    long layer = attn + mlp + 2 * c;
    long embed = (long) vocabSize * c;
    return embed + numHiddenLayers * layer + c + (tieWordEmbeddings ? 0 : embed);
  }

  /** The HF class that loads this config. */
  public String architecture() {
    return "mistral".equals(modelType) ? "MistralForCausalLM" : "LlamaForCausalLM";
  }

  /** A LLaMA-style config with HF defaults for the rarely changed keys. */
  public static LlamaConfig llama(
      int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads, int maxPos,
      double eps, double theta, boolean tied) {
    return new LlamaConfig(
        "llama", vocab, hidden, intermediate, layers, heads, kvHeads, hidden / heads, maxPos, eps,
        theta, null, tied, null, false, false, "silu", 0.02, 1, List.of(2), null, "float32");
  }

  /**
   * Named presets. Real-model shapes follow their published {@code config.json}; {@code tiny}
   * (about 1M parameters) and {@code small} (about 10.5M) are sized for 2 CPU cores.
   */
  public static LlamaConfig preset(String name) {
    return switch (name) {
        // 4 layers, C = 128, F = 352 (≈ 8/3·C rounded up to 32), tied; vocab fits a small BPE
      case "tiny" -> llama(2048, 128, 352, 4, 4, 4, 256, 1e-5, 10000.0, true);
        // C = 256, 6 layers, 8 heads, F = 4·C, untied: 10.5M parameters (bench at 8 × 128)
      case "small" -> llama(8192, 256, 1024, 6, 8, 8, 512, 1e-5, 10000.0, false);
      case "llama2-7b" -> llama(32000, 4096, 11008, 32, 32, 32, 4096, 1e-5, 10000.0, false);
      case "llama3-8b" ->
          new LlamaConfig(
              "llama", 128256, 4096, 14336, 32, 32, 8, 128, 8192, 1e-5, 500000.0, null, false,
              null, false, false, "silu", 0.02, 128000, List.of(128001), null, "bfloat16");
      case "mistral-7b" ->
          new LlamaConfig(
              "mistral", 32000, 4096, 14336, 32, 32, 8, 128, 32768, 1e-5, 10000.0, null, false,
              4096, false, false, "silu", 0.02, 1, List.of(2), null, "bfloat16");
        // Yi-6B: GQA 32/4, RoPE base 5e6, vocab 64 000 (Yi paper Tbl 1 and its config.json)
      case "yi-6b" ->
          new LlamaConfig(
              "llama", 64000, 4096, 11008, 32, 32, 4, 128, 4096, 1e-5, 5000000.0, null, false,
              null, false, false, "silu", 0.02, 1, List.of(2), 0, "bfloat16");
      default ->
          throw new IllegalArgumentException(
              "unknown LLaMA preset '" + name + "'; choose one of " + PRESETS);
    };
  }

  public LlamaConfig withVocabSize(int v) {
    return new LlamaConfig(
        modelType, v, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
        numKeyValueHeads, headDim, maxPositionEmbeddings, rmsNormEps, ropeTheta, ropeScaling,
        tieWordEmbeddings, slidingWindow, attentionBias, mlpBias, hiddenAct, initializerRange,
        bosTokenId, eosTokenId, padTokenId, torchDtype);
  }

  public LlamaConfig withNumHiddenLayers(int n) {
    return new LlamaConfig(
        modelType, vocabSize, hiddenSize, intermediateSize, n, numAttentionHeads,
        numKeyValueHeads, headDim, maxPositionEmbeddings, rmsNormEps, ropeTheta, ropeScaling,
        tieWordEmbeddings, slidingWindow, attentionBias, mlpBias, hiddenAct, initializerRange,
        bosTokenId, eosTokenId, padTokenId, torchDtype);
  }

  public LlamaConfig withSlidingWindow(Integer w) {
    return new LlamaConfig(
        w != null && w > 0 ? "mistral" : modelType, vocabSize, hiddenSize, intermediateSize,
        numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim, maxPositionEmbeddings,
        rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings, w, attentionBias, mlpBias,
        hiddenAct, initializerRange, bosTokenId, eosTokenId, padTokenId, torchDtype);
  }

  public LlamaConfig withMaxPositionEmbeddings(int n) {
    return new LlamaConfig(
        modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
        numKeyValueHeads, headDim, n, rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings,
        slidingWindow, attentionBias, mlpBias, hiddenAct, initializerRange, bosTokenId,
        eosTokenId, padTokenId, torchDtype);
  }

  public LlamaConfig withRopeTheta(double theta) {
    return new LlamaConfig(
        modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
        numKeyValueHeads, headDim, maxPositionEmbeddings, rmsNormEps, theta, ropeScaling,
        tieWordEmbeddings, slidingWindow, attentionBias, mlpBias, hiddenAct, initializerRange,
        bosTokenId, eosTokenId, padTokenId, torchDtype);
  }

  /** The {@code config.json} object exactly as transformers writes it (keys in its order). */
  public Map<String, Object> toHfJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("architectures", List.of(architecture()));
    m.put("model_type", modelType);
    m.put("vocab_size", vocabSize);
    m.put("hidden_size", hiddenSize);
    m.put("intermediate_size", intermediateSize);
    m.put("num_hidden_layers", numHiddenLayers);
    m.put("num_attention_heads", numAttentionHeads);
    m.put("num_key_value_heads", numKeyValueHeads);
    m.put("head_dim", headDim);
    m.put("max_position_embeddings", maxPositionEmbeddings);
    m.put("rms_norm_eps", rmsNormEps);
    m.put("rope_theta", ropeTheta);
    m.put("rope_scaling", ropeScaling);
    m.put("tie_word_embeddings", tieWordEmbeddings);
    if ("mistral".equals(modelType) || slidingWindow != null) m.put("sliding_window", slidingWindow);
    m.put("attention_bias", attentionBias);
    m.put("attention_dropout", 0.0);
    m.put("mlp_bias", mlpBias);
    m.put("hidden_act", hiddenAct);
    m.put("initializer_range", initializerRange);
    m.put("bos_token_id", bosTokenId);
    m.put("eos_token_id", eosTokenId.size() == 1 ? eosTokenId.get(0) : eosTokenId);
    m.put("pad_token_id", padTokenId);
    m.put("torch_dtype", torchDtype);
    m.put("use_cache", true);
    return m;
  }

  /**
   * Reads a parsed {@code config.json}; missing optional keys take transformers' defaults.
   * {@code origin} (the file) is named in every error.
   */
  @SuppressWarnings("unchecked")
  public static LlamaConfig fromHfJson(Map<String, Object> j, String origin) {
    try {
      String type = str(j, "model_type", "llama");
      if (!type.equals("llama") && !type.equals("mistral")) {
        throw new IllegalArgumentException("model_type '" + type + "' is not a LLaMA-family model");
      }
      int hidden = integer(j, "hidden_size", null);
      int heads = integer(j, "num_attention_heads", null);
      Object eos = j.get("eos_token_id");
      List<Integer> eosList =
          eos == null
              ? List.of()
              : eos instanceof List<?> l
                  ? l.stream().map(o -> ((Number) o).intValue()).toList()
                  : List.of(((Number) eos).intValue());
      Object sw = j.get("sliding_window");
      Object scaling = j.get("rope_scaling");
      double theta = number(j, "rope_theta", 10000.0);
      // transformers 5.x nests rope_theta inside rope_parameters
      if (j.get("rope_parameters") instanceof Map<?, ?> rp) {
        if (rp.get("rope_theta") instanceof Number n) theta = n.doubleValue();
        Object rt = rp.get("rope_type");
        if (rt != null && !"default".equals(rt)) scaling = rp;
      }
      return new LlamaConfig(
          type,
          integer(j, "vocab_size", 32000),
          hidden,
          integer(j, "intermediate_size", null),
          integer(j, "num_hidden_layers", null),
          heads,
          integer(j, "num_key_value_heads", heads),
          integer(j, "head_dim", hidden / heads),
          integer(j, "max_position_embeddings", 2048),
          number(j, "rms_norm_eps", 1e-6),
          theta,
          (Map<String, Object>) scaling,
          bool(j, "tie_word_embeddings", false),
          sw == null ? null : ((Number) sw).intValue(),
          bool(j, "attention_bias", false),
          bool(j, "mlp_bias", false),
          str(j, "hidden_act", "silu"),
          number(j, "initializer_range", 0.02),
          j.get("bos_token_id") == null ? null : ((Number) j.get("bos_token_id")).intValue(),
          eosList,
          j.get("pad_token_id") == null ? null : ((Number) j.get("pad_token_id")).intValue(),
          str(j, "torch_dtype", str(j, "dtype", "float32")));
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
    }
  }

  private static int integer(Map<String, Object> j, String key, Integer dflt) {
    Object v = j.get(key);
    if (v == null) {
      if (dflt == null) throw new IllegalArgumentException("missing key " + key);
      return dflt;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException("key " + key + " must be an integer, got " + v);
    }
    return n.intValue();
  }

  private static double number(Map<String, Object> j, String key, double dflt) {
    Object v = j.get(key);
    if (v == null) return dflt;
    if (!(v instanceof Number n)) throw new IllegalArgumentException("key " + key + " must be a number, got " + v);
    return n.doubleValue();
  }

  private static boolean bool(Map<String, Object> j, String key, boolean dflt) {
    Object v = j.get(key);
    if (v == null) return dflt;
    if (!(v instanceof Boolean b)) throw new IllegalArgumentException("key " + key + " must be true/false, got " + v);
    return b;
  }

  private static String str(Map<String, Object> j, String key, String dflt) {
    Object v = j.get(key);
    if (v == null) return dflt;
    if (!(v instanceof String s)) throw new IllegalArgumentException("key " + key + " must be a string, got " + v);
    return s;
  }
}
