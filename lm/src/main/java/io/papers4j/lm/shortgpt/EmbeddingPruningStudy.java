package io.papers4j.lm.shortgpt;

import io.papers4j.core.nn.BlockInfluence;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.papers4j.core.nn.text.BertEncoder;
import io.papers4j.core.nn.text.MiniLm;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * ShortGPT on real pretrained weights: Block Influence of all-MiniLM-L6-v2's layers on calibration
 * sentences, then layer removal by every ordering, scored by how well the pruned encoder keeps
 * each held-out sentence's embedding (cosine to the unpruned embedding; 1 = unchanged).
 */
public final class EmbeddingPruningStudy {
  /** What the study measured. */
  public record Outcome(
      double[] blockInfluence,
      double[] relativeMagnitude,
      double[] singleRemovalSimilarity, // cosine to unpruned after removing layer i alone
      Map<Integer, Map<LayerOrdering, Double>> similarityByRemoved, // n removed -> ordering -> cosine
      Map<Integer, List<Integer>> biKept) {}

  private static final int BATCH = 32;
  private static final int RANDOM_DRAWS = 5;

  private final BertEncoder full;
  private final HuggingFaceTokenizer tokenizer;

  public EmbeddingPruningStudy(BertEncoder full, HuggingFaceTokenizer tokenizer) {
    this.full = full;
    this.tokenizer = tokenizer;
  }

  /** Runs on MiniLM from the classpath. */
  public static EmbeddingPruningStudy miniLm() throws java.io.IOException {
    return new EmbeddingPruningStudy(MiniLm.load(), MiniLm.tokenizer());
  }

  public Outcome run(List<String> calibration, List<String> heldOut, int maxRemoved, long seed) {
    if (calibration.isEmpty() || heldOut.isEmpty()) {
      throw new IllegalArgumentException("need calibration and held-out sentences");
    }
    int layers = full.layers().size();
    BlockInfluence stats = new BlockInfluence(layers);
    try (NoGradGuard g = new NoGradGuard()) {
      for (List<String> batch : batches(calibration)) {
        try (PointerScope scope = new PointerScope()) {
          Tensor[] enc = MiniLm.encode(tokenizer, batch);
          stats.add(full.hiddenStates(enc[0], enc[1]), enc[1]);
        }
      }
      double[] bi = stats.blockInfluence();
      double[] rm = stats.relativeMagnitude();
      List<Tensor> reference = embeddings(full, heldOut);
      double[] single = new double[layers];
      for (int i = 0; i < layers; i++) {
        List<Integer> keep = new ArrayList<>(full.layers());
        keep.remove(Integer.valueOf(i));
        single[i] = similarity(full.withLayers(keep), heldOut, reference);
      }
      Map<Integer, Map<LayerOrdering, Double>> table = new LinkedHashMap<>();
      Map<Integer, List<Integer>> biKept = new LinkedHashMap<>();
      for (int n = 1; n <= maxRemoved; n++) {
        Map<LayerOrdering, Double> row = new EnumMap<>(LayerOrdering.class);
        for (LayerOrdering o : LayerOrdering.values()) {
          int draws = o == LayerOrdering.RANDOM ? RANDOM_DRAWS : 1;
          double sum = 0;
          for (int d = 0; d < draws; d++) {
            List<Integer> keep = o.kept(bi, rm, n, seed + d);
            sum += similarity(full.withLayers(keep), heldOut, reference);
          }
          row.put(o, sum / draws);
        }
        table.put(n, row);
        biKept.put(n, LayerOrdering.BI.kept(bi, rm, n, seed));
      }
      return new Outcome(bi, rm, single, table, biKept);
    }
  }

  private List<Tensor> embeddings(BertEncoder model, List<String> sentences) {
    List<Tensor> out = new ArrayList<>();
    for (List<String> batch : batches(sentences)) {
      Tensor[] enc = MiniLm.encode(tokenizer, batch);
      out.add(model.sentenceEmbedding(enc[0], enc[1]).clone());
    }
    return out;
  }

  /** Mean cosine between the model's sentence embeddings and the reference ones. */
  private double similarity(BertEncoder model, List<String> sentences, List<Tensor> reference) {
    double sum = 0;
    int count = 0;
    int b = 0;
    for (List<String> batch : batches(sentences)) {
      try (PointerScope scope = new PointerScope()) {
        Tensor[] enc = MiniLm.encode(tokenizer, batch);
        Tensor e = model.sentenceEmbedding(enc[0], enc[1]); // (B, d), unit rows
        sum += e.mul(reference.get(b)).sum().item_double(); // sum of per-row cosines
        count += batch.size();
      }
      b++;
    }
    return sum / count;
  }

  private static List<List<String>> batches(List<String> items) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += BATCH) out.add(items.subList(i, Math.min(items.size(), i + BATCH)));
    return out;
  }
}
