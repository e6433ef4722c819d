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
 * Outcome-based reward model (ORM): a LLaMA trunk (initialised from the policy) with a scalar head
 * estimating p(correct | question, solution prefix) at every solution position. Trained with binary
 * cross entropy on the policy's own samples labelled by the grader, every prefix getting the label
 * of its final answer. The score of a full solution is the estimate at its last token (sparse ORM,
 * rerank@K); the estimates at line ends give a dense reward.
 */
public final class OutcomeRewardModel {
  public final LlamaModel trunk;
  public final Linear head; // (1, C)

  public OutcomeRewardModel(LlamaModel trunk, long seed) {
    this.trunk = trunk;
    this.head = new Linear(trunk.config().hiddenSize(), 1, true, Init.normal(seed, 0.02));
  }

  /** A labelled sample. */
  public record Labelled(String question, String solution, boolean correct) {}

  /** Logits (B, T) of p(correct) at every position of ids (B, T). */
  public Tensor logits(Tensor ids) {
    Tensor h = trunk.hidden(ids, torch.arange(new Scalar(ids.size(1))), null); // (B, T, C)
    return head.forward(h).squeeze(-1); // (B, T)
  }

  /** All trainable tensors. */
  public Map<String, Tensor> namedParameters() {
    Map<String, Tensor> m = new LinkedHashMap<>(trunk.namedParameters());
    head.namedParameters().forEach((k, v) -> m.put("score." + k, v));
    return m;
  }

  /** Trains on labelled samples; returns the mean loss over the last 10% of steps. */
  public double fit(List<Labelled> data, Sft.Fit fit, ProgressBar bar) {
    if (data.isEmpty()) throw new IllegalArgumentException("no labelled samples for the ORM");
    AdamW opt = new AdamW(namedParameters(), AdamConfig.llama(fit.lr()).withWeightDecay(0.0), WeightDecay.EXCLUDE_NORMS_BIASES_EMBEDDINGS);
    SplittableRandom rng = new SplittableRandom(fit.seed());
    double tail = 0;
    int tailN = 0;
    for (int step = 0; step < fit.steps(); step++) {
      List<Labelled> batch = new ArrayList<>();
      for (int i = 0; i < fit.batch(); i++) batch.add(data.get(rng.nextInt(data.size())));
      double loss;
      try (PointerScope scope = new PointerScope()) {
        Encoded e = encode(batch);
        opt.zeroGrad();
        Tensor z;
        try (Precision.Region cast = fit.precision().autocast()) {
          z = logits(e.ids).to(torch.ScalarType.Float); // (B, L)
        }
        Tensor bce = torch.binary_cross_entropy_with_logits(z, e.labels, new org.bytedeco.pytorch.TensorOptional(),
            new org.bytedeco.pytorch.TensorOptional(), 0L); // (B, L), no reduction
        Tensor l = bce.mul(e.mask).sum().div(e.mask.sum());
        NativeExit.backward(l, fit.precision());
        opt.step();
        loss = l.item_double();
      }
      if (step >= fit.steps() - Math.max(1, fit.steps() / 10)) {
        tail += loss;
        tailN++;
      }
      if (bar != null) bar.update(step + 1, loss, fit.batch());
    }
    return tail / Math.max(1, tailN);
  }

  /** p(correct) of each full solution (the estimate at its last token). */
  public double[] score(String question, List<String> solutions) {
    double[] out = new double[solutions.size()];
    try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
      List<Labelled> rows = new ArrayList<>();
      for (String s : solutions) rows.add(new Labelled(question, s, false));
      Encoded e = encode(rows);
      Tensor p = torch.sigmoid(logits(e.ids)).to(ScalarType.Float).contiguous(); // (B, L)
      float[] all = new float[(int) p.numel()];
      new FloatPointer(p.data_ptr()).get(all);
      for (int r = 0; r < out.length; r++) out[r] = all[r * e.width + e.last[r]];
    }
    return out;
  }

  /**
   * p(correct) after each line of a solution (at every '\n' and at the end), for the dense ORM
   * reward; element i belongs to the solution's character index {@code ends[i]}.
   */
  public double[] prefixScores(String question, String solution, int[] ends) {
    double[] out = new double[ends.length];
    try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
      Encoded e = encode(List.of(new Labelled(question, solution, false)));
      Tensor p = torch.sigmoid(logits(e.ids)).to(ScalarType.Float).contiguous(); // (1, L)
      float[] all = new float[(int) p.numel()];
      new FloatPointer(p.data_ptr()).get(all);
      int promptLen = Sft.prompt(question, null).length;
      for (int i = 0; i < ends.length; i++) out[i] = all[Math.min(e.last[0], promptLen + ends[i])];
    }
    return out;
  }

  private record Encoded(Tensor ids, Tensor labels, Tensor mask, int width, int[] last) {}

  /** Rows prompt ++ solution, right-padded; mask 1 on solution positions; labels the outcome. */
  private static Encoded encode(List<Labelled> rows) {
    List<long[]> seqs = new ArrayList<>();
    int[] promptLen = new int[rows.size()];
    int w = 1;
    for (int r = 0; r < rows.size(); r++) {
      long[] p = Sft.prompt(rows.get(r).question(), null);
      long[] s = CharTokenizer.encode(rows.get(r).solution());
      long[] all = java.util.Arrays.copyOf(p, p.length + s.length);
      System.arraycopy(s, 0, all, p.length, s.length);
      seqs.add(all);
      promptLen[r] = p.length;
      w = Math.max(w, all.length);
    }
    long[] ids = new long[rows.size() * w];
    float[] lab = new float[rows.size() * w];
    float[] mask = new float[rows.size() * w];
    int[] last = new int[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      long[] s = seqs.get(r);
      System.arraycopy(s, 0, ids, r * w, s.length);
      for (int t = promptLen[r] - 1; t < s.length; t++) {
        mask[r * w + t] = 1;
        lab[r * w + t] = rows.get(r).correct() ? 1 : 0;
      }
      last[r] = s.length - 1;
    }
    return new Encoded(Tensor.create(ids).view(rows.size(), w), Tensor.create(lab).view(rows.size(), w),
        Tensor.create(mask).view(rows.size(), w), w, last);
  }
}
