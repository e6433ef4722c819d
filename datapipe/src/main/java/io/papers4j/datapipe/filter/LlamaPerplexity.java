package io.papers4j.datapipe.filter;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;

/**
 * Perplexity under a papers4j LM checkpoint ({@code config.json} + {@code model.safetensors}):
 * PPL = exp(−mean log p(x_t | x_&lt;t)) over the document's tokens, in windows of the model's context.
 *
 * <p>Tokens: the checkpoint's {@code tokenizer.json} when present, otherwise UTF-8 bytes for a
 * byte-level model (vocabulary 256, as the lm module's KJV models). Only the path travels to Spark
 * executors; each JVM loads the model once, and forward passes are serialised on it (libtorch
 * already uses all cores inside one forward).
 */
public final class LlamaPerplexity implements PerplexityScorer {
  private static final Map<String, Loaded> MODELS = new ConcurrentHashMap<>();

  private final String checkpoint;
  private final int maxTokens;

  private record Loaded(LlamaModel model, BpeTokenizer tokenizer, int context) {}

  /**
   * @param checkpoint checkpoint directory
   * @param maxTokens tokens scored per document at most (the start of the document)
   */
  public LlamaPerplexity(String checkpoint, int maxTokens) {
    Path dir = Path.of(checkpoint);
    if (!Files.exists(dir.resolve("config.json"))) {
      throw new IllegalArgumentException("perplexity.checkpoint " + checkpoint + ": no config.json (not a checkpoint directory)");
    }
    this.checkpoint = checkpoint;
    this.maxTokens = maxTokens;
    load(); // fail now, on the driver, with the loader's message, rather than inside a task
  }

  private Loaded load() {
    return MODELS.computeIfAbsent(checkpoint, k -> {
      Engine.init();
      Path dir = Path.of(k);
      LlamaModel m = LlamaCheckpoint.load(dir);
      LlamaConfig c = m.config();
      Path tok = dir.resolve("tokenizer.json");
      BpeTokenizer t = Files.exists(tok) ? BpeTokenizer.load(tok) : null;
      if (t == null && c.vocabSize() != 256) {
        throw new IllegalArgumentException("perplexity.checkpoint " + k + ": vocabulary " + c.vocabSize()
            + " needs a tokenizer.json next to config.json (only byte-level models, vocabulary 256, work without)");
      }
      return new Loaded(m, t, c.maxPositionEmbeddings());
    });
  }

  long[] tokens(Loaded l, String text) {
    if (l.tokenizer() != null) {
      int[] ids = l.tokenizer().encode(text);
      long[] out = new long[Math.min(ids.length, maxTokens)];
      for (int i = 0; i < out.length; i++) out[i] = ids[i];
      return out;
    }
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    long[] out = new long[Math.min(b.length, maxTokens)];
    for (int i = 0; i < out.length; i++) out[i] = b[i] & 0xff;
    return out;
  }

  @Override
  public double perplexity(String text) {
    Loaded l = load();
    long[] ids = tokens(l, text);
    if (ids.length < 2) return Double.POSITIVE_INFINITY;
    double nll = 0;
    long n = 0;
    synchronized (l) {
      try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
        // Windows of the model's context; each predicts its own tokens after the first.
        for (int start = 0; start < ids.length - 1; start += l.context()) {
          int end = Math.min(ids.length, start + l.context());
          if (end - start < 2) break;
          for (double lp : l.model().nextTokenLogProbs(java.util.Arrays.copyOfRange(ids, start, end))) {
            nll -= lp;
            n++;
          }
        }
      }
    }
    return Math.exp(nll / n);
  }

  @Override
  public String describe() {
    LlamaConfig c = load().model().config();
    return String.format("papers4j LM checkpoint %s (%d layers, hidden %d, vocabulary %d), first %d tokens per document",
        checkpoint, c.numHiddenLayers(), c.hiddenSize(), c.vocabSize(), maxTokens);
  }
}
