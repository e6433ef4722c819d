package io.papers4j.lm.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.io.ConfigJson;
import io.papers4j.core.io.JsonReader;
import io.papers4j.core.nn.pos.RopeParameters;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one config record of a LLaMA-family decoder (LLaMA-2/3, Mistral, Yi): field for field the
 * keys of a Hugging Face {@code config.json} ({@code LlamaConfig} / {@code MistralConfig} of
 * transformers). Java names are the camel-case form of the HF key named in each comment.
 *
 * <p>Both generations of the file parse into this record: transformers 4.x writes {@code rope_theta}
 * + {@code rope_scaling} and {@code torch_dtype}; 5.x writes {@code rope_parameters} and {@code
 * dtype}. {@link #toJson()} writes the generation named by {@code transformers_version} (4.x when
 * absent), so a file round-trips in its own style. Keys this record does not model are kept in
 * {@link #extra()} and written back unchanged. Build one with {@link #builder()} or {@link #preset}.
 *
 * @param architectures {@code architectures}, e.g. {@code ["LlamaForCausalLM"]} (empty: derived
 *     from model_type)
 * @param modelType {@code model_type}: "llama" or "mistral"
 * @param vocabSize {@code vocab_size} (32 000 LLaMA-2/Mistral, 64 000 Yi)
 * @param hiddenSize {@code hidden_size}, C
 * @param intermediateSize {@code intermediate_size}, F of the SwiGLU MLP (LLaMA: ~8/3·C)
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param numAttentionHeads {@code num_attention_heads}, H
 * @param numKeyValueHeads {@code num_key_value_heads}, H_kv (GQA when < H; HF default H)
 * @param headDim {@code head_dim}, D (HF default C / H)
 * @param hiddenAct {@code hidden_act}: only "silu" is supported
 * @param maxPositionEmbeddings {@code max_position_embeddings}: the trained context
 * @param rmsNormEps {@code rms_norm_eps} (1e-5 for LLaMA-2/Mistral/Yi; HF default 1e-6)
 * @param rope {@code rope_theta} (10 000 LLaMA-2/Mistral, 500 000 LLaMA-3, 5 000 000 Yi) and the
 *     {@code rope_scaling} / {@code rope_parameters} block; {@link LlamaModel} applies plain RoPE
 *     or, for a scaling block, the matching {@code core.nn.pos} encoding
 * @param slidingWindow {@code sliding_window} (Mistral; null = full attention)
 * @param tieWordEmbeddings {@code tie_word_embeddings}: lm_head shares embed_tokens' matrix
 * @param attentionBias {@code attention_bias}: biases on q/k/v/o
 * @param mlpBias {@code mlp_bias}: biases on the MLP projections
 * @param bosTokenId {@code bos_token_id} (null if none)
 * @param eosTokenId {@code eos_token_id}, one id or a list (LLaMA-3.1 has several); empty if none
 * @param padTokenId {@code pad_token_id} (null if none)
 * @param torchDtype {@code torch_dtype} / {@code dtype} of the stored weights ("float32",
 *     "bfloat16", …; null when absent)
 * @param initializerRange {@code initializer_range}: std of the N(0, σ²) init (0.02)
 * @param transformersVersion {@code transformers_version} of the writer, e.g. "4.36.2" (or null)
 * @param extra every other key, preserved
 */
public record LlamaConfig(
    List<String> architectures,
    String modelType,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    String hiddenAct,
    int maxPositionEmbeddings,
    double rmsNormEps,
    RopeParameters rope,
    Integer slidingWindow,
    boolean tieWordEmbeddings,
    boolean attentionBias,
    boolean mlpBias,
    Integer bosTokenId,
    List<Integer> eosTokenId,
    Integer padTokenId,
    String torchDtype,
    double initializerRange,
    String transformersVersion,
    Map<String, Object> extra) {

  /** The preset names accepted by {@link #preset}. */
  public static final List<String> PRESETS =
      List.of("tiny", "small", "llama2-7b", "llama3-8b", "mistral-7b", "yi-6b");

  /** The model types this record describes. */
  public static final Set<String> MODEL_TYPES = Set.of("llama", "mistral");

  /** Keys this record models; everything else goes to {@link #extra()}. */
  static final Set<String> KNOWN =
      Set.of(
          "architectures", "model_type", "vocab_size", "hidden_size", "intermediate_size",
          "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
          "hidden_act", "max_position_embeddings", "rms_norm_eps", "rope_theta", "rope_scaling",
          "rope_parameters", "sliding_window", "tie_word_embeddings", "attention_bias", "mlp_bias",
          "bos_token_id", "eos_token_id", "pad_token_id", "torch_dtype", "dtype",
          "initializer_range", "transformers_version");

  /** Validates with messages that name the HF key. */
  public LlamaConfig {
    require(modelType != null && MODEL_TYPES.contains(modelType),
        "model_type '" + modelType + "' is not one of " + new TreeSet<>(MODEL_TYPES));
    architectures = architectures == null || architectures.isEmpty()
        ? List.of(architecture(modelType)) : List.copyOf(architectures);
    eosTokenId = List.copyOf(eosTokenId == null ? List.of() : eosTokenId);
    extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra == null ? Map.of() : extra));
    if (rope == null) rope = RopeParameters.standard(10000.0);
    if (hiddenAct == null) hiddenAct = "silu";
    if (slidingWindow != null && slidingWindow == 0) slidingWindow = null; // 0 = full attention
    positive("vocab_size", vocabSize);
    positive("hidden_size", hiddenSize);
    positive("intermediate_size", intermediateSize);
    positive("num_hidden_layers", numHiddenLayers);
    positive("num_attention_heads", numAttentionHeads);
    positive("num_key_value_heads", numKeyValueHeads);
    positive("max_position_embeddings", maxPositionEmbeddings);
    require(numAttentionHeads % numKeyValueHeads == 0,
        "num_attention_heads (" + numAttentionHeads + ") is not divisible by num_key_value_heads ("
            + numKeyValueHeads + ")");
    positive("head_dim", headDim);
    require(headDim % 2 == 0, "head_dim (" + headDim + ") must be even for rotary embeddings");
    require(rmsNormEps > 0, "rms_norm_eps must be positive, got " + rmsNormEps);
    require(slidingWindow == null || slidingWindow > 0,
        "sliding_window must be null or positive, got " + slidingWindow);
    require("silu".equals(hiddenAct), "hidden_act '" + hiddenAct + "' is not supported (only silu)");
    require(initializerRange >= 0, "initializer_range must be >= 0, got " + initializerRange);
    for (int id : eosTokenId) require(id >= 0, "eos_token_id must be >= 0, got " + id);
  }

  /** RoPE base θ ({@code rope_theta}). */
  public double ropeTheta() {
    return rope.ropeTheta();
  }

  /** Query heads per key/value head (1 = plain multi-head attention). */
  public int groups() {
    return numAttentionHeads / numKeyValueHeads;
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
    return architecture(modelType);
  }

  private static String architecture(String modelType) {
    return "mistral".equals(modelType) ? "MistralForCausalLM" : "LlamaForCausalLM";
  }

  // ---------------------------------------------------------------- presets

  /** A LLaMA-style config with HF defaults for the rarely changed keys. */
  public static LlamaConfig llama(
      int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads, int maxPos,
      double eps, double theta, boolean tied) {
    return shape(vocab, hidden, intermediate, layers, heads, kvHeads, maxPos, theta).rmsNormEps(eps)
        .tieWordEmbeddings(tied).build();
  }

  /** A builder of a LLaMA shape with ε 1e-5 and the defaults of {@link #builder()} otherwise. */
  private static Builder shape(int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads, int maxPos,
      double theta) {
    return builder().vocabSize(vocab).hiddenSize(hidden).intermediateSize(intermediate).numHiddenLayers(layers)
        .numAttentionHeads(heads).numKeyValueHeads(kvHeads).maxPositionEmbeddings(maxPos).rmsNormEps(1e-5)
        .ropeTheta(theta);
  }

  /**
   * Named presets. Real-model shapes follow their published {@code config.json}; {@code tiny}
   * (about 1M parameters) and {@code small} (about 10.5M) are sized for 2 CPU cores.
   */
  public static LlamaConfig preset(String name) {
    return switch (name) {
        // 4 layers, C = 128, F = 352 (≈ 8/3·C rounded up to 32), tied; vocab fits a small BPE
      case "tiny" -> shape(2048, 128, 352, 4, 4, 4, 256, 10000.0).tieWordEmbeddings(true).build();
        // C = 256, 6 layers, 8 heads, F = 4·C, untied: 10.5M parameters (bench at 8 × 128)
      case "small" -> shape(8192, 256, 1024, 6, 8, 8, 512, 10000.0).build();
      case "llama2-7b" -> shape(32000, 4096, 11008, 32, 32, 32, 4096, 10000.0).build();
      case "llama3-8b" -> shape(128256, 4096, 14336, 32, 32, 8, 8192, 500000.0)
          .bosTokenId(128000).eosTokenId(List.of(128001)).torchDtype("bfloat16").build();
      case "mistral-7b" -> shape(32000, 4096, 14336, 32, 32, 8, 32768, 10000.0)
          .modelType("mistral").slidingWindow(4096).torchDtype("bfloat16").build();
        // Yi-6B: GQA 32/4, RoPE base 5e6, vocab 64 000 (Yi paper Tbl 1 and its config.json)
      case "yi-6b" -> shape(64000, 4096, 11008, 32, 32, 4, 4096, 5000000.0)
          .padTokenId(0).torchDtype("bfloat16").build();
      default ->
          throw new IllegalArgumentException(
              "unknown LLaMA preset '" + name + "'; choose one of " + PRESETS);
    };
  }

  public LlamaConfig withVocabSize(int v) {
    return toBuilder().vocabSize(v).build();
  }

  public LlamaConfig withNumHiddenLayers(int n) {
    return toBuilder().numHiddenLayers(n).build();
  }

  /** A sliding window of {@code w} tokens (null or 0: full attention); a window makes it "mistral". */
  public LlamaConfig withSlidingWindow(Integer w) {
    boolean windowed = w != null && w > 0;
    String type = windowed ? "mistral" : modelType;
    return toBuilder().modelType(type).architectures(type.equals(modelType) ? architectures : List.of())
        .slidingWindow(windowed ? w : null).build();
  }

  public LlamaConfig withMaxPositionEmbeddings(int n) {
    return toBuilder().maxPositionEmbeddings(n).build();
  }

  public LlamaConfig withRopeTheta(double theta) {
    return toBuilder().ropeTheta(theta).build();
  }

  /** Another rope block (e.g. from {@code core.nn.pos.RopeConfig#toRopeParameters}). */
  public LlamaConfig withRope(RopeParameters r) {
    return toBuilder().rope(r).build();
  }

  public LlamaConfig withTorchDtype(String dtype) {
    return toBuilder().torchDtype(dtype).build();
  }

  // ---------------------------------------------------------------- reading config.json

  /** Reads {@code config.json}; any problem is a {@code CheckpointException} naming the file and key. */
  public static LlamaConfig read(Path file) {
    return ConfigJson.read(file, LlamaConfig::parse);
  }

  /** Parses config.json text; problems are {@link IllegalArgumentException}s naming the key. */
  public static LlamaConfig parse(String json) {
    ObjectNode root = ConfigJson.parseObject(json);
    JsonReader r = new JsonReader(root);

    RopeParameters rope;
    JsonNode params = root.get("rope_parameters");
    if (params != null && !params.isNull()) {
      // transformers 5.x: theta lives inside rope_parameters
      Double theta = new JsonReader(objectAt(params, "rope_parameters"), "rope_parameters.").dbl("rope_theta");
      if (theta == null) theta = r.dbl("rope_theta");
      rope = rope(objectAt(params, "rope_parameters"), "rope_parameters", theta == null ? 10000.0 : theta);
    } else {
      Double theta = r.dbl("rope_theta");
      JsonNode scaling = root.get("rope_scaling");
      double t = theta == null ? 10000.0 : theta;
      rope = scaling == null || scaling.isNull()
          ? RopeParameters.standard(t)
          : rope(objectAt(scaling, "rope_scaling"), "rope_scaling", t);
    }

    Map<String, Object> extra = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!KNOWN.contains(e.getKey())) extra.put(e.getKey(), ConfigJson.plain(e.getValue()));
    }
    String dtype = r.str("torch_dtype");
    if (dtype == null) dtype = r.str("dtype");
    return builder()
        .architectures(r.strings("architectures"))
        .modelType(r.str("model_type"))
        .vocabSize(r.req("vocab_size"))
        .hiddenSize(r.req("hidden_size"))
        .intermediateSize(r.req("intermediate_size"))
        .numHiddenLayers(r.req("num_hidden_layers"))
        .numAttentionHeads(r.req("num_attention_heads"))
        .numKeyValueHeads(r.integer("num_key_value_heads"))
        .headDim(r.integer("head_dim"))
        .hiddenAct(r.str("hidden_act"))
        .maxPositionEmbeddings(orElse(r.integer("max_position_embeddings"), 2048))
        .rmsNormEps(orElse(r.dbl("rms_norm_eps"), 1e-6))
        .rope(rope)
        .slidingWindow(r.integer("sliding_window"))
        .tieWordEmbeddings(orElse(r.bool("tie_word_embeddings"), false))
        .attentionBias(orElse(r.bool("attention_bias"), false))
        .mlpBias(orElse(r.bool("mlp_bias"), false))
        .bosTokenId(r.integer("bos_token_id"))
        .eosTokenId(r.intOrInts("eos_token_id"))
        .padTokenId(r.integer("pad_token_id"))
        .torchDtype(dtype)
        .initializerRange(orElse(r.dbl("initializer_range"), 0.02))
        .transformersVersion(r.str("transformers_version"))
        .extra(extra)
        .build();
  }

  private static ObjectNode objectAt(JsonNode n, String key) {
    if (!n.isObject()) throw new IllegalArgumentException("key '" + key + "' must be an object or null");
    return (ObjectNode) n;
  }

  private static RopeParameters rope(ObjectNode o, String key, double theta) {
    JsonReader r = new JsonReader(o, key + ".");
    String type = r.str("rope_type");
    if (type == null) type = r.str("type"); // transformers < 4.42 wrote "type"
    if ("su".equals(type)) type = "longrope"; // Phi-3's old name
    Set<String> modelled =
        Set.of("rope_type", "type", "rope_theta", "factor", "original_max_position_embeddings",
            "beta_fast", "beta_slow", "attention_factor", "low_freq_factor", "high_freq_factor");
    Map<String, Object> extra = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      if (!modelled.contains(e.getKey())) extra.put(e.getKey(), ConfigJson.plain(e.getValue()));
    }
    try {
      return new RopeParameters(
          type, theta, r.dbl("factor"), r.integer("original_max_position_embeddings"),
          r.dbl("beta_fast"), r.dbl("beta_slow"), r.dbl("attention_factor"),
          r.dbl("low_freq_factor"), r.dbl("high_freq_factor"), extra);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- writing config.json

  /** Which generation of transformers' format to write. */
  public enum Format {
    /** {@code rope_theta} + {@code rope_scaling}, {@code torch_dtype} (transformers 4.x). */
    V4,
    /** {@code rope_parameters}, {@code dtype} (transformers 5.x). */
    V5
  }

  /** The format of {@code transformers_version}: 5.x → V5, otherwise V4. */
  public Format format() {
    return transformersVersion != null && transformersVersion.startsWith("5.") ? Format.V5 : Format.V4;
  }

  /** config.json text in this config's own format. */
  public String toJson() {
    return toJson(format());
  }

  /** config.json text as transformers writes it: keys sorted, two-space indent, trailing newline. */
  public String toJson(Format fmt) {
    Map<String, Object> m = new TreeMap<>(extra);
    m.put("architectures", architectures);
    m.put("model_type", modelType);
    m.put("vocab_size", vocabSize);
    m.put("hidden_size", hiddenSize);
    m.put("intermediate_size", intermediateSize);
    m.put("num_hidden_layers", numHiddenLayers);
    m.put("num_attention_heads", numAttentionHeads);
    m.put("num_key_value_heads", numKeyValueHeads);
    m.put("head_dim", headDim);
    m.put("hidden_act", hiddenAct);
    m.put("max_position_embeddings", maxPositionEmbeddings);
    m.put("rms_norm_eps", rmsNormEps);
    if (fmt == Format.V4) {
      m.put("rope_theta", rope.ropeTheta());
      m.put("rope_scaling", rope.isDefault() ? null : rope.scalingKeys());
    } else {
      Map<String, Object> p = new TreeMap<>(rope.scalingKeys());
      p.put("rope_theta", rope.ropeTheta());
      m.put("rope_parameters", p);
    }
    if (slidingWindow != null || modelType.equals("mistral")) m.put("sliding_window", slidingWindow);
    m.put("tie_word_embeddings", tieWordEmbeddings);
    m.put("attention_bias", attentionBias);
    m.put("mlp_bias", mlpBias);
    if (bosTokenId != null) m.put("bos_token_id", bosTokenId);
    if (eosTokenId.size() == 1) m.put("eos_token_id", eosTokenId.get(0));
    else if (!eosTokenId.isEmpty()) m.put("eos_token_id", eosTokenId);
    if (padTokenId != null) m.put("pad_token_id", padTokenId);
    if (torchDtype != null) m.put(fmt == Format.V4 ? "torch_dtype" : "dtype", torchDtype);
    m.put("initializer_range", initializerRange);
    if (transformersVersion != null) m.put("transformers_version", transformersVersion);
    return ConfigJson.write(m);
  }

  /** Writes config.json atomically (temporary file, then move) in this config's own format. */
  public void write(Path file) {
    write(file, format());
  }

  public void write(Path file, Format fmt) {
    AtomicFiles.writeString(file, toJson(fmt));
  }

  // ---------------------------------------------------------------- builder

  /** A builder with transformers' LlamaConfig defaults (LLaMA-2-7B's shape, ε 1e-6, float32). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this config. A head_dim equal to hidden_size / num_attention_heads is
   * left to follow those two; any other head_dim is kept.
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.architectures = architectures; b.modelType = modelType; b.vocabSize = vocabSize;
    b.hiddenSize = hiddenSize; b.intermediateSize = intermediateSize;
    b.numHiddenLayers = numHiddenLayers; b.numAttentionHeads = numAttentionHeads;
    b.numKeyValueHeads = numKeyValueHeads; b.hiddenAct = hiddenAct;
    // the default C / H follows a changed width or head count; only a head_dim of its own is kept
    b.headDim = headDim == hiddenSize / numAttentionHeads ? null : headDim;
    b.maxPositionEmbeddings = maxPositionEmbeddings; b.rmsNormEps = rmsNormEps; b.rope = rope;
    b.slidingWindow = slidingWindow; b.tieWordEmbeddings = tieWordEmbeddings;
    b.attentionBias = attentionBias; b.mlpBias = mlpBias; b.bosTokenId = bosTokenId;
    b.eosTokenId = eosTokenId; b.padTokenId = padTokenId; b.torchDtype = torchDtype;
    b.initializerRange = initializerRange; b.transformersVersion = transformersVersion;
    b.extra = extra;
    return b;
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private List<String> architectures = List.of(); // empty = from model_type
    private String modelType = "llama";
    private int vocabSize = 32000;
    private int hiddenSize = 4096;
    private int intermediateSize = 11008;
    private int numHiddenLayers = 32;
    private int numAttentionHeads = 32;
    private Integer numKeyValueHeads = null; // null = numAttentionHeads (MHA)
    private Integer headDim = null; // null = hiddenSize / numAttentionHeads
    private String hiddenAct = "silu";
    private int maxPositionEmbeddings = 2048;
    private double rmsNormEps = 1e-6;
    private RopeParameters rope = RopeParameters.standard(10000.0);
    private Integer slidingWindow = null; // null = full causal attention
    private boolean tieWordEmbeddings = false;
    private boolean attentionBias = false;
    private boolean mlpBias = false;
    private Integer bosTokenId = 1;
    private List<Integer> eosTokenId = List.of(2);
    private Integer padTokenId = null;
    private String torchDtype = "float32";
    private double initializerRange = 0.02;
    private String transformersVersion = null;
    private Map<String, Object> extra = Map.of();

    private Builder() {}

    public Builder architectures(List<String> v) { architectures = v; return this; }
    public Builder modelType(String v) { modelType = v; return this; }
    public Builder vocabSize(int v) { vocabSize = v; return this; }
    public Builder hiddenSize(int v) { hiddenSize = v; return this; }
    public Builder intermediateSize(int v) { intermediateSize = v; return this; }
    public Builder numHiddenLayers(int v) { numHiddenLayers = v; return this; }
    public Builder numAttentionHeads(int v) { numAttentionHeads = v; return this; }
    public Builder numKeyValueHeads(Integer v) { numKeyValueHeads = v; return this; }
    public Builder headDim(Integer v) { headDim = v; return this; }
    public Builder hiddenAct(String v) { hiddenAct = v; return this; }
    public Builder maxPositionEmbeddings(int v) { maxPositionEmbeddings = v; return this; }
    public Builder rmsNormEps(double v) { rmsNormEps = v; return this; }
    public Builder rope(RopeParameters v) { rope = v; return this; }
    public Builder ropeTheta(double v) { rope = rope.withTheta(v); return this; }
    public Builder slidingWindow(Integer v) { slidingWindow = v; return this; }
    public Builder tieWordEmbeddings(boolean v) { tieWordEmbeddings = v; return this; }
    public Builder attentionBias(boolean v) { attentionBias = v; return this; }
    public Builder mlpBias(boolean v) { mlpBias = v; return this; }
    public Builder bosTokenId(Integer v) { bosTokenId = v; return this; }
    public Builder eosTokenId(List<Integer> v) { eosTokenId = v; return this; }
    public Builder padTokenId(Integer v) { padTokenId = v; return this; }
    public Builder torchDtype(String v) { torchDtype = v; return this; }
    public Builder initializerRange(double v) { initializerRange = v; return this; }
    public Builder transformersVersion(String v) { transformersVersion = v; return this; }
    public Builder extra(Map<String, Object> v) { extra = v; return this; }

    public LlamaConfig build() {
      require(numAttentionHeads > 0, "num_attention_heads must be positive, got " + numAttentionHeads);
      if (headDim == null) {
        require(hiddenSize % numAttentionHeads == 0,
            "hidden_size (" + hiddenSize + ") is not divisible by num_attention_heads (" + numAttentionHeads + ")");
      }
      return new LlamaConfig(
          architectures, modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
          numAttentionHeads, numKeyValueHeads == null ? numAttentionHeads : numKeyValueHeads,
          headDim == null ? hiddenSize / numAttentionHeads : headDim, hiddenAct, maxPositionEmbeddings,
          rmsNormEps, rope, slidingWindow, tieWordEmbeddings, attentionBias, mlpBias, bosTokenId, eosTokenId,
          padTokenId, torchDtype, initializerRange, transformersVersion, extra);
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  private static void positive(String key, int v) {
    require(v > 0, key + " must be positive, got " + v);
  }

  private static <T> T orElse(T v, T dflt) {
    return v != null ? v : dflt;
  }
}
