package io.papers4j.core.io;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.core.nn.pos.RopeParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Hugging Face {@code config.json} for LLaMA-family decoders (LLaMA-2/3, Mistral, Yi), with the
 * keys exactly as transformers writes them.
 *
 * <p>Both generations of the format parse into this one record: transformers 4.x writes
 * {@code rope_theta} + {@code rope_scaling} and {@code torch_dtype}; 5.x writes
 * {@code rope_parameters} and {@code dtype}. {@link #toJson()} writes the generation named by
 * {@code transformers_version} (4.x when absent), so a file round-trips in its own style. Keys this
 * record does not model are kept in {@link #extra()} and written back unchanged.
 *
 * @param architectures e.g. {@code ["LlamaForCausalLM"]}
 * @param modelType "llama" or "mistral"
 * @param vocabSize V (32000 for LLaMA-2 and Mistral, 64000 for Yi)
 * @param hiddenSize d_model
 * @param intermediateSize SwiGLU hidden width
 * @param numHiddenLayers decoder layers
 * @param numAttentionHeads query heads
 * @param numKeyValueHeads key/value heads (GQA; equal to numAttentionHeads for plain MHA)
 * @param headDim per-head width; null means hiddenSize / numAttentionHeads
 * @param hiddenAct MLP activation, "silu" for every LLaMA-family model
 * @param maxPositionEmbeddings trained context length
 * @param rmsNormEps ε of RMSNorm (1e-5 or 1e-6)
 * @param rope RoPE base and scaling
 * @param slidingWindow Mistral's attention window in tokens; null = full causal attention
 * @param tieWordEmbeddings whether lm_head shares embed_tokens' weight
 * @param attentionBias bias in q/k/v/o projections
 * @param mlpBias bias in gate/up/down projections
 * @param bosTokenId beginning-of-sequence id or null
 * @param eosTokenId end-of-sequence ids (LLaMA-3 lists several); empty when absent
 * @param padTokenId padding id or null
 * @param torchDtype dtype of the stored weights, e.g. "bfloat16"; null when absent
 * @param initializerRange σ of the normal initialiser
 * @param transformersVersion the writer's version, e.g. "4.36.2"; null when absent
 * @param extra every other key, preserved
 */
public record HfLlamaConfig(
    List<String> architectures,
    String modelType,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    Integer headDim,
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

  static final ObjectMapper JSON = new ObjectMapper();

  /** Validates with messages that name the key, as transformers' own checks do. */
  public HfLlamaConfig {
    architectures = List.copyOf(architectures == null ? List.of() : architectures);
    eosTokenId = List.copyOf(eosTokenId == null ? List.of() : eosTokenId);
    extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra == null ? Map.of() : extra));
    if (rope == null) rope = RopeParameters.standard(10000.0);
    if (hiddenAct == null) hiddenAct = "silu";
    require(modelType != null && MODEL_TYPES.contains(modelType),
        "model_type '" + modelType + "' is not one of " + new java.util.TreeSet<>(MODEL_TYPES));
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
    if (headDim == null) {
      require(hiddenSize % numAttentionHeads == 0,
          "hidden_size (" + hiddenSize + ") is not divisible by num_attention_heads ("
              + numAttentionHeads + ")");
    } else {
      positive("head_dim", headDim);
    }
    int hd = headDim != null ? headDim : hiddenSize / numAttentionHeads;
    require(hd % 2 == 0, "head_dim (" + hd + ") must be even for rotary embeddings");
    require(rmsNormEps > 0, "rms_norm_eps must be positive, got " + rmsNormEps);
    require(slidingWindow == null || slidingWindow > 0,
        "sliding_window must be null or positive, got " + slidingWindow);
    require(initializerRange >= 0, "initializer_range must be >= 0, got " + initializerRange);
    for (int id : eosTokenId) require(id >= 0, "eos_token_id must be >= 0, got " + id);
  }

  /** Per-head width: {@code head_dim} or hidden_size / num_attention_heads. */
  public int resolvedHeadDim() {
    return headDim != null ? headDim : hiddenSize / numAttentionHeads;
  }

  /** Query heads per key/value head (1 = plain multi-head attention). */
  public int groups() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /** RoPE base θ. */
  public double ropeTheta() {
    return rope.ropeTheta();
  }

  // ---------------------------------------------------------------- reading

  /** Reads {@code config.json}; any problem is a {@link CheckpointException} naming the file and key. */
  public static HfLlamaConfig read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw CheckpointException.of(file, "no such file");
    } catch (IOException e) {
      throw CheckpointException.of(file, "cannot read: " + e.getMessage(), e);
    }
    try {
      return parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw CheckpointException.of(file, e.getMessage(), e);
    }
  }

  /** Parses config.json text; problems are {@link IllegalArgumentException}s naming the key. */
  public static HfLlamaConfig parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      throw new IllegalArgumentException("not valid JSON: " + m.lines().findFirst().orElse(m), e);
    }
    if (root == null || !root.isObject()) throw new IllegalArgumentException("not a JSON object");
    JsonReader r = new JsonReader((ObjectNode) root);

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
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!KNOWN.contains(e.getKey())) extra.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class));
    }
    Integer heads = r.req("num_attention_heads");
    Integer kv = r.integer("num_key_value_heads");
    String dtype = r.str("torch_dtype");
    if (dtype == null) dtype = r.str("dtype");
    return new HfLlamaConfig(
        r.strings("architectures"),
        r.str("model_type"),
        r.req("vocab_size"),
        r.req("hidden_size"),
        r.req("intermediate_size"),
        r.req("num_hidden_layers"),
        heads,
        kv == null ? heads : kv,
        r.integer("head_dim"),
        r.str("hidden_act"),
        orElse(r.integer("max_position_embeddings"), 2048),
        orElse(r.dbl("rms_norm_eps"), 1e-6),
        rope,
        r.integer("sliding_window"),
        orElse(r.bool("tie_word_embeddings"), false),
        orElse(r.bool("attention_bias"), false),
        orElse(r.bool("mlp_bias"), false),
        r.integer("bos_token_id"),
        r.intOrInts("eos_token_id"),
        r.integer("pad_token_id"),
        dtype,
        orElse(r.dbl("initializer_range"), 0.02),
        r.str("transformers_version"),
        extra);
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
    o.fields().forEachRemaining(e -> {
      if (!modelled.contains(e.getKey())) extra.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class));
    });
    try {
      return new RopeParameters(
          type, theta, r.dbl("factor"), r.integer("original_max_position_embeddings"),
          r.dbl("beta_fast"), r.dbl("beta_slow"), r.dbl("attention_factor"),
          r.dbl("low_freq_factor"), r.dbl("high_freq_factor"), extra);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- writing

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
    if (headDim != null) m.put("head_dim", headDim);
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
    DefaultPrettyPrinter pp =
        new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
            .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
    try {
      return JSON.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writer(pp).writeValueAsString(m) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes config.json atomically (temporary file, then move) in this config's own format. */
  public void write(Path file) {
    write(file, format());
  }

  public void write(Path file, Format fmt) {
    AtomicFiles.writeString(file, toJson(fmt));
  }

  // ---------------------------------------------------------------- builder

  /** A builder with LLaMA-2-7B's values as defaults (transformers' LlamaConfig defaults). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.architectures = architectures; b.modelType = modelType; b.vocabSize = vocabSize;
    b.hiddenSize = hiddenSize; b.intermediateSize = intermediateSize;
    b.numHiddenLayers = numHiddenLayers; b.numAttentionHeads = numAttentionHeads;
    b.numKeyValueHeads = numKeyValueHeads; b.headDim = headDim; b.hiddenAct = hiddenAct;
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
    private List<String> architectures = List.of("LlamaForCausalLM");
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

    public HfLlamaConfig build() {
      return new HfLlamaConfig(
          architectures, modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
          numAttentionHeads, numKeyValueHeads == null ? numAttentionHeads : numKeyValueHeads,
          headDim, hiddenAct, maxPositionEmbeddings, rmsNormEps, rope, slidingWindow,
          tieWordEmbeddings, attentionBias, mlpBias, bosTokenId, eosTokenId, padTokenId,
          torchDtype, initializerRange, transformersVersion, extra);
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
