package io.papers4j.lm.reasoning;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.WeightDecay;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Token-level PPO for reasoning (the paper's Sec. 3): the policy LLaMA with a scalar value head on
 * its final hidden states, rollouts with the calculator in the loop, a reward at the last token
 * (sparse: 1 if the final answer is correct; or ORM-shaped dense: the ORM's change in p(correct)
 * at every line end, plus the sparse reward), a per-token KL penalty -beta (log pi - log pi_ref) to
 * the initial policy, GAE over the policy's own tokens (calculator output is not an action),
 * whitened advantages, the clipped surrogate and a clipped value loss, several epochs per batch.
 */
public final class Ppo {
  private Ppo() {}

  /** Reward shapes. */
  public enum Reward { SPARSE, DENSE_ORM }

  /**
   * Settings (defaults after the trlx precursor: gamma 1, lambda 0.95, clip 0.2, 4 epochs, value
   * coefficient 1, temperature 1 for exploration).
   */
  public record Config(int iterations, int promptsPerBatch, int samplesPerPrompt, int epochs, double lr, double gamma,
      double lambda, double clip, double valueCoef, double klCoef, double temperature, int maxNewTokens, Reward reward,
      long seed) {
    public Config {
      if (iterations < 0 || promptsPerBatch < 1 || samplesPerPrompt < 1 || epochs < 1)
        throw new IllegalArgumentException("PPO needs iterations >= 0 and batch, samples, epochs >= 1");
      if (!(clip > 0) || !(lr > 0) || klCoef < 0) throw new IllegalArgumentException("PPO needs clip > 0, lr > 0, kl >= 0");
    }
  }

  /** Per iteration: samples so far, mean reward (correct fraction), mean KL to the reference. */
  public interface IterationListener {
    void onIteration(int iteration, long samples, double meanCorrect, double meanKl);
  }

  /**
   * The value head of a policy: (1, C), zero-initialised, so V = 0 at the start. A random head
   * (N(0, 0.02) on normalised hidden states gives values of about ±0.2 per token) would make the
   * first advantages mostly -V(s_t) noise, larger than the sparse reward's share after whitening.
   */
  public static Linear valueHead(LlamaModel policy, long seed) {
    return new Linear(policy.config().hiddenSize(), 1, true, Init.normal(seed, 0.0));
  }

  /** Runs PPO in place on {@code policy}; {@code reference} is frozen. Returns samples drawn. */
  public static long run(LlamaModel policy, LlamaModel reference, List<Problem> train, Config c, OutcomeRewardModel orm,
      IterationListener listener, ProgressBar bar) {
    return run(policy, reference, train, c, orm, listener, bar, Precision.F32);
  }

  /**
   * As above with the policy, value and reference forward passes (old, reference and updated
   * log-probabilities alike, so the ratio starts at 1) in {@code precision}; sampling, weights and
   * optimizer state stay float32.
   */
  public static long run(LlamaModel policy, LlamaModel reference, List<Problem> train, Config c, OutcomeRewardModel orm,
      IterationListener listener, ProgressBar bar, Precision precision) {
    if (c.reward() == Reward.DENSE_ORM && orm == null) throw new IllegalArgumentException("the dense ORM reward needs an ORM");
    Linear value = valueHead(policy, c.seed());
    Map<String, Tensor> params = new LinkedHashMap<>(policy.namedParameters());
    value.namedParameters().forEach((k, v) -> params.put("value." + k, v));
    AdamW opt = new AdamW(params, AdamConfig.llama(c.lr()).withWeightDecay(0.0), WeightDecay.EXCLUDE_NORMS_BIASES_EMBEDDINGS);
    SplittableRandom rng = new SplittableRandom(c.seed());
    long samples = 0;
    double temp = c.temperature() == 0 ? 1.0 : c.temperature();
    for (int it = 1; it <= c.iterations(); it++) {
      // 1. rollouts: promptsPerBatch questions x samplesPerPrompt samples
      List<Problem> qs = new ArrayList<>();
      List<long[]> prompts = new ArrayList<>();
      List<Rollouts.Completion> cs = new ArrayList<>();
      for (int i = 0; i < c.promptsPerBatch(); i++) {
        Problem p = train.get(rng.nextInt(train.size()));
        long[] prompt = Sft.prompt(p.question(), null);
        for (int r = 0; r < c.samplesPerPrompt(); r++) {
          qs.add(p);
          prompts.add(prompt);
        }
      }
      // every row of the batch in one rollout (one KV cache); each row has its own random stream
      cs.addAll(Rollouts.run(policy, prompts, new Rollouts.Settings(c.temperature(), c.maxNewTokens(), true, c.seed() * 7919L + it * 131L)));
      samples += cs.size();
      Batch b = Batch.of(prompts, cs);
      // 2. old log-probs and values, reference log-probs (no grad)
      float[] oldLogp;
      float[] refLogp;
      float[] oldValues;
      try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
        Tensor[] lv = logpAndValues(policy, value, b, temp, precision);
        oldLogp = floats(lv[0]);
        oldValues = floats(lv[1]);
        refLogp = floats(logpAndValues(reference, null, b, temp, precision)[0]);
      }
      // 3. rewards, KL penalty, GAE per row over its actions, whitened over the batch
      double[] outcome = new double[b.rows];
      double correct = 0;
      for (int r = 0; r < b.rows; r++) {
        boolean ok = qs.get(r).isCorrect(cs.get(r).text());
        outcome[r] = ok ? 1.0 : 0.0;
        if (ok) correct++;
      }
      double[][] shaping = null;
      if (c.reward() == Reward.DENSE_ORM) {
        shaping = new double[b.rows][];
        for (int r = 0; r < b.rows; r++) {
          shaping[r] = new double[b.actionPositions.get(r).length];
          if (shaping[r].length > 0) addOrmShaping(orm, qs.get(r).question(), cs.get(r), b.actionPositions.get(r), shaping[r]);
        }
      }
      Advantages av = advantages(b, oldLogp, refLogp, oldValues, outcome, shaping, c);
      double kl = av.klSum;
      // 4. epochs of clipped updates on the whole batch
      try (PointerScope scope = new PointerScope()) {
        Tensor mask = Tensor.create(b.mask).view(b.rows, b.width);
        Tensor advT = Tensor.create(av.whitened).view(b.rows, b.width);
        Tensor retT = Tensor.create(av.returns).view(b.rows, b.width);
        Tensor oldLp = Tensor.create(oldLogp).view(b.rows, b.width);
        Tensor oldV = Tensor.create(oldValues).view(b.rows, b.width);
        for (int e = 0; e < c.epochs(); e++) {
          try (PointerScope step = new PointerScope()) {
            opt.zeroGrad();
            Tensor[] lv = logpAndValues(policy, value, b, temp, precision);
            Tensor loss = loss(lv[0], oldLp, advT, lv[1], oldV, retT, mask, c.clip(), c.valueCoef());
            NativeExit.backward(loss, precision);
            opt.step();
          }
        }
      }
      double meanCorrect = correct / b.rows;
      double meanKl = kl / b.rows;
      if (listener != null) listener.onIteration(it, samples, meanCorrect, meanKl);
      if (bar != null) bar.update(it, Double.NaN, cs.size(), "reward", String.format("%.3f", meanCorrect), "kl", String.format("%.4f", meanKl));
    }
    return samples;
  }

  /**
   * Per-position (B x L, zero off the actions) advantages before and after whitening, value
   * targets, and the summed k1 KL of the actions to the reference.
   */
  record Advantages(float[] raw, float[] whitened, float[] returns, double klSum) {}

  /**
   * Step 3 of an iteration, on arrays: per row, the reward of action j is -klCoef (log pi - log
   * pi_ref) (k1 estimate, so a token the policy now favours more than the reference costs reward),
   * plus the outcome (1 correct, 0 not) at the row's last action, plus the optional ORM shaping;
   * GAE(gamma, lambda) over the row's actions with the old values; returns = A + V; then the
   * advantages are whitened (mean 0, variance 1) over all actions of the batch.
   */
  static Advantages advantages(Batch b, float[] oldLogp, float[] refLogp, float[] oldValues, double[] outcome,
      double[][] shaping, Config c) {
    float[] adv = new float[b.rows * b.width];
    float[] ret = new float[b.rows * b.width];
    double kl = 0;
    for (int r = 0; r < b.rows; r++) {
      int[] pos = b.actionPositions.get(r);
      if (pos.length == 0) continue;
      double[] rew = new double[pos.length];
      double[] val = new double[pos.length];
      for (int j = 0; j < pos.length; j++) {
        int at = r * b.width + pos[j];
        double k1 = RlMath.klK1(oldLogp[at], refLogp[at]);
        kl += k1;
        rew[j] = -c.klCoef() * k1;
        val[j] = oldValues[at];
        if (shaping != null) rew[j] += shaping[r][j];
      }
      rew[pos.length - 1] += outcome[r];
      double[] a = RlMath.gae(rew, val, c.gamma(), c.lambda());
      for (int j = 0; j < pos.length; j++) {
        adv[r * b.width + pos[j]] = (float) a[j];
        ret[r * b.width + pos[j]] = (float) (a[j] + val[j]);
      }
    }
    double n = 0, sum = 0;
    for (int i = 0; i < adv.length; i++) {
      n += b.mask[i];
      sum += b.mask[i] * adv[i];
    }
    double mean = n == 0 ? 0 : sum / n;
    double var = 0;
    for (int i = 0; i < adv.length; i++) var += b.mask[i] * (adv[i] - mean) * (adv[i] - mean);
    double sd = Math.sqrt((n == 0 ? 0 : var / n) + 1e-8);
    float[] w = new float[adv.length];
    for (int i = 0; i < adv.length; i++) w[i] = b.mask[i] == 0 ? 0f : (float) ((adv[i] - mean) / sd);
    return new Advantages(adv, w, ret, kl);
  }

  /**
   * The PPO loss on (B, L) tensors: -mean(min(ratio A, clip(ratio) A)) + valueCoef * 0.5 *
   * mean(max((V - R)^2, (V_old + clip(V - V_old) - R)^2)), means over {@code mask}.
   */
  public static Tensor loss(Tensor logp, Tensor oldLogp, Tensor adv, Tensor values, Tensor oldValues, Tensor returns,
      Tensor mask, double clip, double valueCoef) {
    Tensor n = mask.sum();
    Tensor ratio = logp.sub(oldLogp).exp();
    Tensor s1 = ratio.mul(adv);
    Tensor s2 = ratio.clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(1 - clip)),
        new org.bytedeco.pytorch.ScalarOptional(new Scalar(1 + clip))).mul(adv);
    Tensor pg = torch.minimum(s1, s2).mul(mask).sum().div(n).neg();
    Tensor vClipped = oldValues.add(values.sub(oldValues).clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(-clip)),
        new org.bytedeco.pytorch.ScalarOptional(new Scalar(clip))));
    Tensor v1 = values.sub(returns).pow(new Scalar(2.0));
    Tensor v2 = vClipped.sub(returns).pow(new Scalar(2.0));
    Tensor vf = torch.maximum(v1, v2).mul(mask).sum().div(n).mul(new Scalar(0.5));
    return pg.add(vf.mul(new Scalar(valueCoef)));
  }

  /** Potential-based shaping: at each line end, the ORM's p(correct) after it minus before it. */
  private static void addOrmShaping(OutcomeRewardModel orm, String question, Rollouts.Completion c, int[] pos, double[] rew) {
    // character index of each completion token (specials have none)
    String text = c.text();
    List<Integer> lineEnds = new ArrayList<>();
    for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') lineEnds.add(i);
    if (lineEnds.isEmpty()) return;
    int[] ends = lineEnds.stream().mapToInt(Integer::intValue).toArray();
    double[] s = orm.prefixScores(question, text, ends);
    double[] base = orm.prefixScores(question, "", new int[] {-1});
    double prev = base[0];
    // map char index -> token index in the completion (text chars are the non-special tokens)
    int[] tokenOfChar = new int[text.length()];
    int ch = 0;
    for (int t = 0; t < c.tokens().length && ch < text.length(); t++) {
      if (c.tokens()[t] >= 4) tokenOfChar[ch++] = t;
    }
    for (int i = 0; i < ends.length; i++) {
      int tok = tokenOfChar[ends[i]];
      int j = Arrays.binarySearch(pos, tok); // action index at or just before this token
      if (j < 0) j = Math.max(0, -j - 2);
      rew[Math.min(j, rew.length - 1)] += s[i] - prev;
      prev = s[i];
    }
  }

  /** Rollout rows as (B, L) tensors: ids, next-token targets, and the logits position of each action. */
  static final class Batch {
    final int rows;
    final int width;
    final long[] ids;
    final long[] targets;
    final float[] mask;
    final List<int[]> actionPositions;

    private Batch(int rows, int width, long[] ids, long[] targets, float[] mask, List<int[]> actionPositions) {
      this.rows = rows;
      this.width = width;
      this.ids = ids;
      this.targets = targets;
      this.mask = mask;
      this.actionPositions = actionPositions;
    }

    static Batch of(List<long[]> prompts, List<Rollouts.Completion> cs) {
      int w = 1;
      for (int r = 0; r < cs.size(); r++) w = Math.max(w, prompts.get(r).length + cs.get(r).tokens().length);
      int rows = cs.size();
      long[] ids = new long[rows * w];
      long[] tg = new long[rows * w];
      float[] mask = new float[rows * w];
      List<int[]> ap = new ArrayList<>();
      for (int r = 0; r < rows; r++) {
        long[] p = prompts.get(r);
        Rollouts.Completion c = cs.get(r);
        System.arraycopy(p, 0, ids, r * w, p.length);
        System.arraycopy(c.tokens(), 0, ids, r * w + p.length, c.tokens().length);
        List<Integer> pos = new ArrayList<>();
        for (int j = 0; j < c.tokens().length; j++) {
          int at = p.length + j - 1; // logits at position at predict token at+1
          tg[r * w + at] = c.tokens()[j];
          if (c.action()[j]) {
            mask[r * w + at] = 1;
            pos.add(at);
          }
        }
        ap.add(pos.stream().mapToInt(Integer::intValue).toArray());
      }
      return new Batch(rows, w, ids, tg, mask, ap);
    }
  }

  /** log pi(target) (B, L) at temperature T, and values (B, L) (null head: zeros); float32 whatever the forward's {@code precision}. */
  static Tensor[] logpAndValues(LlamaModel model, Linear valueHead, Batch b, double temperature, Precision precision) {
    try (Precision.Region cast = precision.autocast()) {
      Tensor ids = Tensor.create(b.ids).view(b.rows, b.width); // (B, L)
      Tensor h = model.hidden(ids, torch.arange(new Scalar(b.width)), null); // (B, L, C)
      Tensor logp = model.logits(h).to(ScalarType.Float).div(new Scalar(temperature)).log_softmax(-1); // (B, L, V)
      Tensor tg = Tensor.create(b.targets).view(b.rows, b.width).unsqueeze(2); // (B, L, 1)
      Tensor picked = logp.gather(2, tg).squeeze(2); // (B, L)
      Tensor v = valueHead == null ? torch.zeros_like(picked) : valueHead.forward(h).squeeze(-1).to(ScalarType.Float); // (B, L)
      return new Tensor[] {picked, v};
    }
  }

  private static float[] floats(Tensor t) {
    Tensor c = t.to(ScalarType.Float).contiguous();
    float[] f = new float[(int) c.numel()];
    new FloatPointer(c.data_ptr()).get(f);
    return f;
  }
}
