package io.papers4j.speech.naturalspeech3;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.speech.naturalspeech3.Layers.TransformerLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One attribute module of the factorised diffusion model (NaturalSpeech 3 §3.3; spec 6(b)/(e)):
 * discrete absorbing ("mask") diffusion over {@code codebooks} token streams, conditioned on
 * per-position condition tokens (phones, and the attributes generated before), with the prompt's
 * own tokens as an un-noised prefix.
 *
 * <p>Training: a random t ∈ (0, 1]; ⌈σ(t)·N⌉ of the N target positions are masked, σ(t) = sin(πt/2);
 * cross-entropy on the masked positions only. The prompt is dropped with p = 0.15 so the same
 * network also models the unconditional case (classifier-free guidance). Sampling: start fully
 * masked; at step s predict every masked token, sample with annealed temperature, guide with CFG
 * (logits rescaled to the conditional logits' std), then re-mask the ⌊N·σ(1 − s/S)⌋ lowest-confidence
 * new tokens; fixed tokens stay fixed (MaskGIT).
 *
 * <p>Input per position: Σ condition embeddings + Σ token embeddings (index {@code vocab} = MASK)
 * + segment (prompt/target) + learned position; a pre-norm Transformer; one linear head per
 * codebook.
 */
public final class MaskPredict implements Parameterized {
  /**
   * @param condVocab vocabulary size of each condition stream (phones 64, prosody code 256, …)
   * @param codebooks target token streams (prosody 1, content 2, detail 3, baseline 6, duration 1)
   * @param vocab tokens per stream (codebook size, or duration classes)
   * @param dim Transformer width (128 at 6(e) scale)
   * @param layers Transformer layers (2–4 at 6(e) scale)
   * @param maxLen longest prompt + target sequence
   */
  public record Spec(int[] condVocab, int codebooks, int vocab, int dim, int layers, int maxLen) {
    public Spec {
      if (codebooks < 1 || vocab < 2 || dim % 4 != 0 || layers < 1 || maxLen < 2) {
        throw new IllegalArgumentException("mask-predict spec: codebooks >= 1, vocab >= 2, dim % 4 == 0, layers >= 1");
      }
    }
  }

  /** One sequence: condition tokens (L, nc), target tokens (L, ncb), the first {@code promptLen} positions are the prompt. */
  public record Seq(int[][] cond, int[][] tokens, int promptLen) {
    int length() {
      return cond.length;
    }
  }

  public static final double PROMPT_DROP = 0.15;

  public final Spec spec;
  final List<Tensor> condEmb = new ArrayList<>(), tokEmb = new ArrayList<>();
  final Tensor segEmb, posEmb;
  final List<TransformerLayer> layers = new ArrayList<>();
  final LayerNorm norm;
  final List<Linear> heads = new ArrayList<>();

  public MaskPredict(Spec s, long seed) {
    this.spec = s;
    Init init = Init.normal(seed, 0.02);
    for (int v : s.condVocab()) condEmb.add(init.weights(v, s.dim()));
    for (int i = 0; i < s.codebooks(); i++) tokEmb.add(init.weights(s.vocab() + 1, s.dim()));
    segEmb = init.weights(2, s.dim());
    posEmb = init.weights(s.maxLen(), s.dim());
    for (int i = 0; i < s.layers(); i++) layers.add(new TransformerLayer(init, s.dim(), 4, 4L * s.dim()));
    norm = new LayerNorm(s.dim(), 1e-5, true, init);
    for (int i = 0; i < s.codebooks(); i++) heads.add(Layers.linear(init, s.dim(), s.vocab()));
  }

  /** Logits (B, L, ncb, vocab) from cond (B, L, nc), tokens (B, L, ncb), segment (B, L), valid (B, L) bool. */
  Tensor logits(Tensor cond, Tensor tokens, Tensor segment, Tensor valid) {
    long b = cond.size(0), l = cond.size(1);
    Tensor x = torch.embedding(segEmb, segment).add(posEmb.narrow(0, 0, l).unsqueeze(0)); // (B, L, C)
    for (int i = 0; i < condEmb.size(); i++) x = x.add(torch.embedding(condEmb.get(i), cond.select(2, i)));
    for (int i = 0; i < tokEmb.size(); i++) x = x.add(torch.embedding(tokEmb.get(i), tokens.select(2, i)));
    Tensor keyMask = valid.view(b, 1, 1, l);
    for (TransformerLayer layer : layers) x = layer.forward(x, keyMask);
    x = norm.forward(x);
    List<Tensor> outs = new ArrayList<>();
    for (Linear h : heads) outs.add(h.forward(x).unsqueeze(2));
    return torch.cat(new org.bytedeco.pytorch.TensorVector(outs.toArray(new Tensor[0])), 2);
  }

  /** Training loss on a batch of sequences (masking drawn from {@code rnd}). */
  public Tensor loss(List<Seq> batch, Random rnd) {
    int b = batch.size();
    List<Seq> used = new ArrayList<>();
    for (Seq s : batch) used.add(rnd.nextDouble() < PROMPT_DROP ? dropPrompt(s) : s);
    int l = 0;
    for (Seq s : used) l = Math.max(l, s.length());
    int nc = spec.condVocab().length, ncb = spec.codebooks();
    long[] cond = new long[b * l * nc], tok = new long[b * l * ncb], tgt = new long[b * l * ncb], seg = new long[b * l];
    float[] valid = new float[b * l], lossMask = new float[b * l];
    for (int i = 0; i < b; i++) {
      Seq s = used.get(i);
      int n = s.length() - s.promptLen();
      double t = 1 - rnd.nextDouble(); // (0, 1]
      int masked = Math.max(1, (int) Math.ceil(Math.sin(Math.PI * t / 2) * n));
      boolean[] mask = new boolean[n];
      List<Integer> order = new ArrayList<>();
      for (int k = 0; k < n; k++) order.add(k);
      java.util.Collections.shuffle(order, rnd);
      for (int k = 0; k < masked; k++) mask[order.get(k)] = true;
      for (int p = 0; p < s.length(); p++) {
        int at = i * l + p;
        valid[at] = 1;
        boolean m = p >= s.promptLen() && mask[p - s.promptLen()];
        seg[at] = p >= s.promptLen() ? 1 : 0;
        lossMask[at] = m ? 1 : 0;
        for (int c = 0; c < nc; c++) cond[at * nc + c] = s.cond()[p][c];
        for (int c = 0; c < ncb; c++) {
          tgt[at * ncb + c] = s.tokens()[p][c];
          tok[at * ncb + c] = m ? spec.vocab() : s.tokens()[p][c];
        }
      }
    }
    Tensor lg = logits(Batches.longs(cond, b, l, nc), Batches.longs(tok, b, l, ncb), Batches.longs(seg, b, l),
        Batches.floats(valid, b, l).gt(new Scalar(0.5)));
    Tensor ce = torch.cross_entropy_loss(lg.reshape(-1, spec.vocab()), Batches.longs(tgt, (long) b * l * ncb),
        new org.bytedeco.pytorch.TensorOptional(), 0 /* none */, -100, 0.0).view(b, l, ncb);
    Tensor m = Batches.floats(lossMask, b, l).unsqueeze(2);
    return ce.mul(m).sum().div(m.sum().mul(new Scalar(ncb)).clamp_min(new Scalar(1)));
  }

  static Seq dropPrompt(Seq s) {
    int n = s.length() - s.promptLen();
    int[][] c = new int[n][], t = new int[n][];
    for (int i = 0; i < n; i++) {
      c[i] = s.cond()[s.promptLen() + i];
      t[i] = s.tokens()[s.promptLen() + i];
    }
    return new Seq(c, t, 0);
  }

  /**
   * Generates the target tokens (N, ncb) for condition {@code targetCond} (N, nc) after the prompt
   * ({@code promptCond}, {@code promptTokens}; may be empty), in {@code steps} steps with guidance
   * scale {@code cfg} (0 = no guidance, conditional only) and initial temperature {@code temp}.
   */
  public int[][] generate(int[][] promptCond, int[][] promptTokens, int[][] targetCond, int steps, double cfg,
      double temp, Random rnd) {
    int p = promptCond.length, n = targetCond.length, ncb = spec.codebooks();
    if (p + n > spec.maxLen()) {
      throw new IllegalArgumentException("prompt + target = " + (p + n) + " positions exceeds the model's " + spec.maxLen());
    }
    int[][] out = new int[n][ncb];
    boolean[] fixed = new boolean[n];
    for (int s = 1; s <= steps; s++) {
      try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
        // float32 logits whatever the forward's precision: the sampling below reads them back to Java
        Tensor cond = logitsFor(promptCond, promptTokens, targetCond, out, fixed, true).to(torch.ScalarType.Float);
        Tensor lg = cond;
        if (cfg > 0 && p > 0) {
          Tensor unc = logitsFor(new int[0][], new int[0][], targetCond, out, fixed, false).to(torch.ScalarType.Float);
          Tensor guided = unc.add(cond.sub(unc).mul(new Scalar(1 + cfg)));
          // std rescaling: keep the guided logits at the conditional logits' scale
          Tensor ratio = cond.std(new long[] {-1}, true, true).div(guided.std(new long[] {-1}, true, true).clamp_min(new Scalar(1e-6)));
          lg = guided.mul(ratio);
        }
        double tau = temp * (1 - (s - 1) / (double) steps) + 1e-3;
        Tensor probs = torch.softmax(lg.div(new Scalar(tau)), -1); // (N, ncb, V)
        Tensor flat = probs.reshape(-1, spec.vocab());
        Tensor pick = torch.multinomial(flat, 1, false, new org.bytedeco.pytorch.GeneratorOptional(gen(rnd))).reshape(n, ncb);
        Tensor conf = flat.gather(1, pick.reshape(-1, 1)).reshape(n, ncb).log().sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
        long[] pk = new long[n * ncb];
        pick.contiguous().data_ptr_long().get(pk);
        float[] cf = new float[n];
        conf.contiguous().data_ptr_float().get(cf);
        int remain = (int) Math.floor(n * Math.sin(Math.PI / 2 * (1 - s / (double) steps)));
        List<Integer> fresh = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (fixed[i]) continue;
          for (int c = 0; c < ncb; c++) out[i][c] = (int) pk[i * ncb + c];
          fresh.add(i);
        }
        fresh.sort((a, b2) -> Float.compare(cf[a], cf[b2])); // least confident first
        int keepMasked = Math.max(0, Math.min(remain, fresh.size() - 1));
        if (s == steps) keepMasked = 0;
        for (int k = keepMasked; k < fresh.size(); k++) fixed[fresh.get(k)] = true;
      }
    }
    return out;
  }

  private static org.bytedeco.pytorch.Generator gen(Random rnd) {
    return torch.createCPUGenerator(rnd.nextLong() & Long.MAX_VALUE);
  }

  /** Target-position logits (N, ncb, V) with unfixed target tokens masked. */
  private Tensor logitsFor(int[][] pc, int[][] pt, int[][] tc, int[][] cur, boolean[] fixed, boolean withPrompt) {
    int p = withPrompt ? pc.length : 0, n = tc.length, l = p + n, nc = spec.condVocab().length, ncb = spec.codebooks();
    long[] cond = new long[l * nc], tok = new long[l * ncb], seg = new long[l];
    for (int i = 0; i < l; i++) {
      boolean prompt = i < p;
      int[] c = prompt ? pc[i] : tc[i - p];
      for (int k = 0; k < nc; k++) cond[i * nc + k] = c[k];
      for (int k = 0; k < ncb; k++) {
        tok[i * ncb + k] = prompt ? pt[i][k] : fixed[i - p] ? cur[i - p][k] : spec.vocab();
      }
      seg[i] = prompt ? 0 : 1;
    }
    Tensor valid = torch.ones(new long[] {1, l}).gt(new Scalar(0.5));
    Tensor lg = logits(Batches.longs(cond, 1, l, nc), Batches.longs(tok, 1, l, ncb), Batches.longs(seg, 1, l), valid);
    return lg.select(0, 0).narrow(0, p, n);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params ps = new Params();
    for (int i = 0; i < condEmb.size(); i++) ps.add("cond_embed." + i + ".weight", condEmb.get(i));
    for (int i = 0; i < tokEmb.size(); i++) ps.add("token_embed." + i + ".weight", tokEmb.get(i));
    ps.add("segment_embed.weight", segEmb).add("position_embed.weight", posEmb);
    for (int i = 0; i < layers.size(); i++) ps.add("layers." + i, layers.get(i));
    ps.add("norm", norm);
    for (int i = 0; i < heads.size(); i++) ps.add("heads." + i, heads.get(i));
    return ps.map();
  }
}
