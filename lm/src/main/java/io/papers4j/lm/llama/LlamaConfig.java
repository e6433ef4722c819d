package io.papers4j.lm.llama;

import io.papers4j.core.io.HfLlamaConfig;
import io.papers4j.core.nn.pos.RopeParameters;
import java.util.List;

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
 * @param rope {@code rope_theta} (10 000 LLaMA-2/Mistral, 500 000 LLaMA-3, 5 000 000 Yi) and the
 *     {@code rope_scaling} / {@code rope_parameters} block; {@link LlamaModel} applies plain RoPE
 *     or, for a scaling block, the matching {@code core.nn.pos} encoding
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
    RopeParameters rope,
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
    require(rope != null, "rope parameters must be set");
    require(slidingWindow == null || slidingWindow >= 0, "sliding_window must be >= 0");
    require("silu".equals(hiddenAct), "hidden_act '" + hiddenAct + "' is not supported (only silu)");
    eosTokenId = eosTokenId == null ? List.of() : List.copyOf(eosTokenId);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("invalid LLaMA config: " + message);
  }

  /** RoPE base θ ({@code rope_theta}). */
  public double ropeTheta() {
    return rope.ropeTheta();
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
        RopeParameters.standard(theta), tied, null, false, false, "silu", 0.02, 1, List.of(2), null, "float32");
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
              "llama", 128256, 4096, 14336, 32, 32, 8, 128, 8192, 1e-5, RopeParameters.standard(500000.0), false,
              null, false, false, "silu", 0.02, 128000, List.of(128001), null, "bfloat16");
      case "mistral-7b" ->
          new LlamaConfig(
              "mistral", 32000, 4096, 14336, 32, 32, 8, 128, 32768, 1e-5, RopeParameters.standard(10000.0), false,
              4096, false, false, "silu", 0.02, 1, List.of(2), null, "bfloat16");
        // Yi-6B: GQA 32/4, RoPE base 5e6, vocab 64 000 (Yi paper Tbl 1 and its config.json)
      case "yi-6b" ->
          new LlamaConfig(
              "llama", 64000, 4096, 11008, 32, 32, 4, 128, 4096, 1e-5, RopeParameters.standard(5000000.0), false,
              null, false, false, "silu", 0.02, 1, List.of(2), 0, "bfloat16");
      default ->
          throw new IllegalArgumentException(
              "unknown LLaMA preset '" + name + "'; choose one of " + PRESETS);
    };
  }

  public LlamaConfig withVocabSize(int v) {
    return new LlamaConfig(
        modelType, v, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
        numKeyValueHeads, headDim, maxPositionEmbeddings, rmsNormEps, rope,
        tieWordEmbeddings, slidingWindow, attentionBias, mlpBias, hiddenAct, initializerRange,
        bosTokenId, eosTokenId, padTokenId, torchDtype);
  }

  public LlamaConfig withNumHiddenLayers(int n) {
    return new LlamaConfig(
        modelType, vocabSize, hiddenSize, intermediateSize, n, numAttentionHeads,
        numKeyValueHeads, headDim, maxPositionEmbeddings, rmsNormEps, rope,
        tieWordEmbeddings, slidingWindow, attentionBias, mlpBias, hiddenAct, initializerRange,
        bosTokenId, eosTokenId, padTokenId, torchDtype);
  }

  public LlamaConfig withSlidingWindow(Integer w) {
    return new LlamaConfig(
        w != null && w > 0 ? "mistral" : modelType, vocabSize, hiddenSize, intermediateSize,
        numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim, maxPositionEmbeddings,
        rmsNormEps, rope, tieWordEmbeddings, w, attentionBias, mlpBias,
        hiddenAct, initializerRange, bosTokenId, eosTokenId, padTokenId, torchDtype);
  }

  public LlamaConfig withMaxPositionEmbeddings(int n) {
    return new LlamaConfig(
        modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
        numKeyValueHeads, headDim, n, rmsNormEps, rope, tieWordEmbeddings,
        slidingWindow, attentionBias, mlpBias, hiddenAct, initializerRange, bosTokenId,
        eosTokenId, padTokenId, torchDtype);
  }

  public LlamaConfig withRopeTheta(double theta) {
    return new LlamaConfig(
        modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
        numKeyValueHeads, headDim, maxPositionEmbeddings, rmsNormEps, rope.withTheta(theta),
        tieWordEmbeddings, slidingWindow, attentionBias, mlpBias, hiddenAct, initializerRange,
        bosTokenId, eosTokenId, padTokenId, torchDtype);
  }

  /** Another rope block (e.g. from {@code core.nn.pos.RopeConfig#toRopeParameters}). */
  public LlamaConfig withRope(io.papers4j.core.nn.pos.RopeParameters r) {
    return new LlamaConfig(
        modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
        numKeyValueHeads, headDim, maxPositionEmbeddings, rmsNormEps, r, tieWordEmbeddings,
        slidingWindow, attentionBias, mlpBias, hiddenAct, initializerRange, bosTokenId,
        eosTokenId, padTokenId, torchDtype);
  }

  public LlamaConfig withTorchDtype(String dtype) {
    return new LlamaConfig(
        modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
        numKeyValueHeads, headDim, maxPositionEmbeddings, rmsNormEps, rope, tieWordEmbeddings,
        slidingWindow, attentionBias, mlpBias, hiddenAct, initializerRange, bosTokenId,
        eosTokenId, padTokenId, dtype);
  }

  /** The core.io config record that {@code Checkpoint} writes as {@code config.json}. */
  public HfLlamaConfig toHf() {
    return HfLlamaConfig.builder()
        .architectures(List.of(architecture()))
        .modelType(modelType)
        .vocabSize(vocabSize)
        .hiddenSize(hiddenSize)
        .intermediateSize(intermediateSize)
        .numHiddenLayers(numHiddenLayers)
        .numAttentionHeads(numAttentionHeads)
        .numKeyValueHeads(numKeyValueHeads)
        .headDim(headDim)
        .hiddenAct(hiddenAct)
        .maxPositionEmbeddings(maxPositionEmbeddings)
        .rmsNormEps(rmsNormEps)
        .rope(rope)
        .slidingWindow(slidingWindow == null || slidingWindow == 0 ? null : slidingWindow)
        .tieWordEmbeddings(tieWordEmbeddings)
        .attentionBias(attentionBias)
        .mlpBias(mlpBias)
        .bosTokenId(bosTokenId)
        .eosTokenId(eosTokenId)
        .padTokenId(padTokenId)
        .torchDtype(torchDtype)
        .initializerRange(initializerRange)
        .build();
  }

  /** From a parsed {@code config.json} (transformers 4.x or 5.x). */
  public static LlamaConfig fromHf(HfLlamaConfig c) {
    return new LlamaConfig(
        c.modelType(), c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(),
        c.numAttentionHeads(), c.numKeyValueHeads(), c.resolvedHeadDim(),
        c.maxPositionEmbeddings(), c.rmsNormEps(), c.rope(), c.tieWordEmbeddings(),
        c.slidingWindow(), c.attentionBias(), c.mlpBias(), c.hiddenAct(), c.initializerRange(),
        c.bosTokenId(), c.eosTokenId(), c.padTokenId(),
        c.torchDtype() == null ? "float32" : c.torchDtype());
  }
}
