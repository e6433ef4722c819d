package io.papers4j.lm.generate;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Autoregressive decoding: the prompt is pre-filled in one forward pass, then one token at a time
 * is sampled ({@link Sampling}) and fed back, with a KV cache (or, for checking, by re-running the
 * whole sequence each step). Each step runs in its own {@link PointerScope}.
 */
public final class Generation {
  private Generation() {}

  /** Sees every generated token and the logits (V) it was drawn from. */
  public interface Listener {
    void onToken(long token, float[] logits);
  }

  /**
   * Generates up to {@code maxNewTokens} ids after {@code prompt}; stops early after any id in
   * {@code stop}. Returns the new ids only.
   */
  public static long[] generate(
      LlamaModel model,
      long[] prompt,
      int maxNewTokens,
      Sampling sampling,
      Collection<Long> stop,
      boolean useCache,
      Listener listener) {
    if (prompt.length == 0) throw new IllegalArgumentException("the prompt must hold at least one token");
    if (maxNewTokens < 0) throw new IllegalArgumentException("--max-new-tokens must be >= 0");
    SplittableRandom rng = new SplittableRandom(sampling.seed());
    long[] out = new long[maxNewTokens];
    int n = 0;
    try (NoGradGuard g = new NoGradGuard()) {
      LlamaModel.Cache cache = useCache ? model.newCache(1, prompt.length + maxNewTokens) : null;
      long[] seq = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
      int len = prompt.length;
      while (n < maxNewTokens) {
        float[] logits;
        try (NativeExit.Step gate = NativeExit.step();
            PointerScope scope = new PointerScope()) {
          Tensor ids;
          Tensor all;
          if (useCache) {
            ids = n == 0 ? Tensor.create(prompt).unsqueeze(0) : Tensor.create(new long[] {seq[len - 1]}).unsqueeze(0);
            all = model.forward(ids, cache); // (1, T, V)
          } else {
            ids = Tensor.create(Arrays.copyOf(seq, len)).unsqueeze(0);
            all = model.forward(ids); // (1, len, V)
          }
          logits = lastRow(all);
        }
        long next = sampling.sample(logits, rng);
        if (listener != null) listener.onToken(next, logits);
        out[n++] = next;
        seq[len++] = next;
        if (stop != null && stop.contains(next)) break;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /**
   * One sampled continuation: its new ids (ending with the stop id if one was drawn) and, for each,
   * log p(token | prefix) under the model's own distribution softmax(logits) (temperature 1, no
   * truncation), which is what policy-gradient methods need.
   */
  public record Sample(long[] tokens, double[] logProbs, boolean stopped) {}

  /**
   * {@code k} continuations of one prompt drawn in one batch: the prompt is pre-filled once for k
   * rows, then every row decodes in lock-step with its own random stream ({@code seed + row}) and
   * stops on its own at an id in {@code stop} (later steps of a finished row are discarded). This is
   * how expert iteration, pass@k and PPO rollouts sample k answers per question.
   */
  public static List<Sample> sample(
      LlamaModel model, long[] prompt, int k, int maxNewTokens, Sampling sampling, Collection<Long> stop) {
    if (prompt.length == 0) throw new IllegalArgumentException("the prompt must hold at least one token");
    if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
    if (maxNewTokens < 0) throw new IllegalArgumentException("--max-new-tokens must be >= 0");
    SplittableRandom[] rng = new SplittableRandom[k];
    for (int r = 0; r < k; r++) rng[r] = new SplittableRandom(sampling.seed() + r);
    long[][] out = new long[k][maxNewTokens];
    double[][] lp = new double[k][maxNewTokens];
    int[] len = new int[k];
    boolean[] done = new boolean[k];
    long[] last = new long[k];
    try (NoGradGuard g = new NoGradGuard()) {
      LlamaModel.Cache cache = model.newCache(k, prompt.length + maxNewTokens);
      for (int step = 0; step < maxNewTokens; step++) {
        float[][] logits;
        try (NativeExit.Step gate = NativeExit.step();
            PointerScope scope = new PointerScope()) {
          Tensor ids = step == 0
              ? Tensor.create(prompt).unsqueeze(0).expand(k, prompt.length).contiguous() // (k, P)
              : Tensor.create(last).unsqueeze(1); // (k, 1)
          logits = lastRows(model.forward(ids, cache)); // (k, V)
        }
        boolean any = false;
        for (int r = 0; r < k; r++) {
          long next = sampling.sample(logits[r], rng[r]);
          last[r] = next;
          if (done[r]) continue;
          any = true;
          lp[r][len[r]] = logSoftmaxAt(logits[r], (int) next);
          out[r][len[r]++] = next;
          if (stop != null && stop.contains(next)) done[r] = true;
        }
        if (!any || allDone(done)) break;
      }
    }
    List<Sample> samples = new ArrayList<>(k);
    for (int r = 0; r < k; r++) {
      samples.add(new Sample(Arrays.copyOf(out[r], len[r]), Arrays.copyOf(lp[r], len[r]), done[r]));
    }
    return samples;
  }

  private static boolean allDone(boolean[] done) {
    for (boolean d : done) if (!d) return false;
    return true;
  }

  static double logSoftmaxAt(float[] logits, int i) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) max = Math.max(max, l);
    double z = 0;
    for (float l : logits) z += Math.exp(l - max);
    return logits[i] - max - Math.log(z);
  }

  /** logits (B, T, V) → each row's last position as floats (B arrays of V). */
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

  /** logits (1, T, V) → the last position's V values as floats. */
  static float[] lastRow(Tensor logits) {
    Tensor row = logits.select(0, 0).select(0, logits.size(1) - 1).to(ScalarType.Float).contiguous(); // (V)
    float[] f = new float[(int) row.numel()];
    new FloatPointer(row.data_ptr()).get(f);
    return f;
  }
}
