package io.papers4j.lm.reasoning;

import io.papers4j.lm.generate.Sampling;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Batched sampling of solutions with the calculator in the loop. Every row of a batch has its own
 * prompt, random stream and queue of forced tokens: the rest of its prompt (the first min-length
 * tokens of every prompt are pre-filled in one pass) and, whenever the row's text ends in an open
 * {@code <<expr=}, the calculator's {@code value>>} ({@link Calculator}). Rows decode in lock-step
 * with one KV cache and stop on their own at {@link CharTokenizer#EOS}. Forced tokens are not
 * actions: their {@code action} flag is false and they carry no log-probability.
 */
public final class Rollouts {
  private Rollouts() {}

  /**
   * One completion: its ids after the prompt, which of them the policy chose ({@code action}),
   * log pi(token) under the sampling distribution (softmax(logits / T), or T = 1 when greedy), the
   * decoded text, and whether it ended with EOS.
   */
  public record Completion(long[] tokens, boolean[] action, double[] logProbs, String text, boolean stopped) {}

  /** Settings: temperature (0 = greedy), token budget after the prompt, calculator on/off. */
  public record Settings(double temperature, int maxNewTokens, boolean calculator, long seed) {
    public Settings {
      if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
      if (maxNewTokens < 1) throw new IllegalArgumentException("max new tokens must be >= 1, got " + maxNewTokens);
    }
  }

  /** Completions of {@code prompts} (one row each), in order. */
  public static List<Completion> run(LlamaModel model, List<long[]> prompts, Settings s) {
    int b = prompts.size();
    if (b == 0) return List.of();
    int minLen = Integer.MAX_VALUE;
    int maxLen = 0;
    for (long[] p : prompts) {
      if (p.length == 0) throw new IllegalArgumentException("a prompt must hold at least one token");
      minLen = Math.min(minLen, p.length);
      maxLen = Math.max(maxLen, p.length);
    }
    int capacity = maxLen + 2 * s.maxNewTokens(); // calculator output is forced, beyond the sampled budget
    if (capacity > model.config().maxPositionEmbeddings())
      throw new IllegalArgumentException("prompt (" + maxLen + ") + max new tokens (" + s.maxNewTokens()
          + ") exceed the model's context " + model.config().maxPositionEmbeddings());
    Sampling sampling = new Sampling(s.temperature(), 0, 1.0, s.seed());
    SplittableRandom[] rng = new SplittableRandom[b];
    List<ArrayDeque<Long>> forced = new ArrayList<>(b);
    long[][] out = new long[b][capacity];
    boolean[][] act = new boolean[b][capacity];
    double[][] lp = new double[b][capacity];
    int[] len = new int[b];
    int[] generated = new int[b];
    StringBuilder[] text = new StringBuilder[b];
    boolean[] done = new boolean[b];
    int[] promptLeft = new int[b];
    long[] feed = new long[b];
    for (int r = 0; r < b; r++) {
      rng[r] = new SplittableRandom(s.seed() * 1_000_003L + r);
      forced.add(new ArrayDeque<>());
      promptLeft[r] = prompts.get(r).length - minLen;
      text[r] = new StringBuilder();
    }
    double temp = s.temperature() == 0 ? 1.0 : s.temperature();
    try (NoGradGuard g = new NoGradGuard()) {
      LlamaModel.Cache cache = model.newCache(b, capacity);
      boolean first = true;
      for (int pos = minLen; pos < capacity; pos++) { // pos = positions fed so far
        float[][] logits;
        try (PointerScope scope = new PointerScope()) {
          Tensor ids;
          if (first) {
            long[] flat = new long[b * minLen];
            for (int r = 0; r < b; r++) System.arraycopy(prompts.get(r), 0, flat, r * minLen, minLen);
            ids = Tensor.create(flat).view(b, minLen); // (B, P)
          } else {
            ids = Tensor.create(feed).unsqueeze(1); // (B, 1)
          }
          logits = lastRows(model.forward(ids, cache)); // (B, V)
        }
        first = false;
        boolean any = false;
        for (int r = 0; r < b; r++) {
          if (done[r]) {
            feed[r] = CharTokenizer.PAD;
            continue;
          }
          any = true;
          long next;
          ArrayDeque<Long> q = forced.get(r);
          long[] prompt = prompts.get(r);
          if (promptLeft[r] > 0) { // the rest of a longer prompt: context, not output
            next = prompt[prompt.length - promptLeft[r]];
            promptLeft[r]--;
          } else if (!q.isEmpty()) { // calculator output: part of the text, not an action
            next = q.poll();
            out[r][len[r]] = next;
            act[r][len[r]] = false;
            lp[r][len[r]] = Double.NaN;
            len[r]++;
            text[r].append(CharTokenizer.decode(new long[] {next}));
          } else {
            next = sampling.sample(logits[r], rng[r]);
            out[r][len[r]] = next;
            act[r][len[r]] = true;
            lp[r][len[r]] = logSoftmaxAt(logits[r], (int) next, temp);
            len[r]++;
            generated[r]++;
            if (next == CharTokenizer.EOS) {
              done[r] = true;
            } else {
              text[r].append(CharTokenizer.decode(new long[] {next}));
              if (s.calculator() && next == CharTokenizer.encode("=")[0]) {
                Calculator.completion(text[r].toString()).ifPresent(c -> {
                  for (long t : CharTokenizer.encode(c)) q.add(t);
                });
              }
            }
            if (generated[r] >= s.maxNewTokens()) done[r] = true;
          }
          feed[r] = next;
        }
        if (!any || allDone(done)) break;
      }
    }
    List<Completion> res = new ArrayList<>(b);
    for (int r = 0; r < b; r++) {
      boolean stopped = len[r] > 0 && out[r][len[r] - 1] == CharTokenizer.EOS;
      res.add(new Completion(Arrays.copyOf(out[r], len[r]), Arrays.copyOf(act[r], len[r]), Arrays.copyOf(lp[r], len[r]),
          text[r].toString(), stopped));
    }
    return res;
  }

  private static boolean allDone(boolean[] done) {
    for (boolean d : done) if (!d) return false;
    return true;
  }

  static double logSoftmaxAt(float[] logits, int i, double temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) max = Math.max(max, l / temperature);
    double z = 0;
    for (float l : logits) z += Math.exp(l / temperature - max);
    return logits[i] / temperature - max - Math.log(z);
  }

  /** logits (B, T, V) → each row's last position (B arrays of V). */
  static float[][] lastRows(Tensor logits) {
    Tensor rows = logits.select(1, logits.size(1) - 1).to(ScalarType.Float).contiguous(); // (B, V)
    int b = (int) rows.size(0);
    int v = (int) rows.size(1);
    float[] all = new float[b * v];
    new FloatPointer(rows.data_ptr()).get(all);
    float[][] out = new float[b][];
    for (int r = 0; r < b; r++) out[r] = Arrays.copyOfRange(all, r * v, (r + 1) * v);
    return out;
  }
}
