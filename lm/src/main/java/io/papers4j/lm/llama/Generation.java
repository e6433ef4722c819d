package io.papers4j.lm.llama;

import java.util.Arrays;
import java.util.Collection;
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
        try (PointerScope scope = new PointerScope()) {
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

  /** logits (1, T, V) → the last position's V values as floats. */
  static float[] lastRow(Tensor logits) {
    Tensor row = logits.select(0, 0).select(0, logits.size(1) - 1).to(ScalarType.Float).contiguous(); // (V)
    float[] f = new float[(int) row.numel()];
    new FloatPointer(row.data_ptr()).get(f);
    return f;
  }
}
