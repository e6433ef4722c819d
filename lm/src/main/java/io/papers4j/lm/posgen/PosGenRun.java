package io.papers4j.lm.posgen;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One PosGen training run and its teacher-forced evaluation, as the official {@code
 * decoder_module.py} does it: a single forward pass over [EOS] x_0 … x_{L′−1}, the argmax at every
 * position, and accuracy over the targets x_{j+k} … x_{L′−1}. ID accuracy covers x_{j+k} … x_{L−1},
 * OOD accuracy x_L … x_{L′−1}.
 */
public final class PosGenRun {
  private PosGenRun() {}

  /**
   * Accuracy of one evaluation.
   *
   * @param id accuracy on targets inside the trained length
   * @param ood accuracy on targets at positions L … L′−1
   * @param byPosition accuracy per target position l (NaN for the seed positions l < j+k)
   */
  public record Accuracy(double id, double ood, double[] byPosition) {}

  /** What one run produced: accuracy under each evaluated encoding, the final loss, the time. */
  public record Outcome(Map<PosGenEncoding, Accuracy> accuracy, double finalLoss, double seconds) {}

  /**
   * Trains a fresh model with {@code trained}'s encoding for the protocol and evaluates it under
   * each of {@code evaluated} (which must share its training encoding).
   */
  public static Outcome run(PosGenData data, PosGenModelConfig mc, PosGenTrainConfig tc, Protocol protocol,
      PosGenEncoding trained, List<PosGenEncoding> evaluated, long seed, String label) {
    PosGenSpec spec = data.spec();
    int l = spec.trainLength();
    int lt = spec.testLength();
    PosGenEncoding trainEnc = trained.trainedAs(protocol);
    for (PosGenEncoding e : evaluated) {
      if (e.trainedAs(protocol) != trainEnc)
        throw new IllegalArgumentException(e.id + " is not trained as " + trainEnc.id + " under " + protocol.id);
    }
    long start = System.nanoTime();
    Engine.seed(seed);
    PosGenDecoder model = new PosGenDecoder(mc, trainEnc.module(mc.dKv(), l, lt),
        evaluated.get(0).module(mc.dKv(), l, lt), seed);
    AdamW opt = new AdamW(model.namedParameters(),
        new AdamConfig(tc.lr(), 0.9, 0.999, 1e-8, tc.weightDecay()));
    Random order = new Random(seed * 31 + 7);
    int[] perm = permutation(data.train().length, order);
    int cursor = 0;
    double loss = Double.NaN;
    model.train(true);
    try (ProgressBar bar = new ProgressBar(label, tc.steps(), "tok")) {
      for (int step = 0; step < tc.steps(); step++) {
        if (cursor + tc.batchSize() > perm.length) {
          perm = permutation(perm.length, order);
          cursor = 0;
        }
        int[][] batch = new int[tc.batchSize()][];
        for (int b = 0; b < batch.length; b++) batch[b] = data.train()[perm[cursor++]];
        opt.setLearningRate(tc.lrAt(step));
        try (PointerScope scope = new PointerScope()) {
          Tensor[] xy = trainBatch(batch, spec, data.eosId());
          opt.zeroGrad();
          Tensor lossT = model.loss(xy[0], xy[1]);
          NativeExit.backward(lossT);
          opt.step();
          loss = lossT.item_double();
        }
        bar.update(step + 1, loss, (long) tc.batchSize() * (l + 1), "lr", String.format("%.2e", tc.lrAt(step)));
      }
    }
    Map<PosGenEncoding, Accuracy> acc = new LinkedHashMap<>();
    for (PosGenEncoding e : evaluated) {
      model.setEvalEncoding(e.module(mc.dKv(), l, lt));
      acc.put(e, evaluate(model, data, tc.evalBatch()));
    }
    return new Outcome(acc, loss, (System.nanoTime() - start) / 1e9);
  }

  /**
   * inputs (B, L+1) = [EOS] x_0 … x_{L−1}; targets (B, L+1): at index i the next number x_i, −100
   * for the seed targets i < j+k and for the last index (the repo masks the same).
   */
  static Tensor[] trainBatch(int[][] seqs, PosGenSpec spec, int eos) {
    int n = seqs[0].length;
    long[] in = new long[seqs.length * (n + 1)];
    long[] tg = new long[seqs.length * (n + 1)];
    for (int b = 0; b < seqs.length; b++) {
      int o = b * (n + 1);
      in[o] = eos;
      for (int i = 0; i < n; i++) in[o + i + 1] = seqs[b][i];
      for (int i = 0; i <= n; i++) tg[o + i] = i < spec.initialTokens() || i == n ? -100 : seqs[b][i];
    }
    return new Tensor[] {Tensor.create(in).view(seqs.length, n + 1), Tensor.create(tg).view(seqs.length, n + 1)};
  }

  /** Teacher-forced accuracy of {@code model} on the test split (evaluation mode). */
  public static Accuracy evaluate(PosGenDecoder model, PosGenData data, int evalBatch) {
    PosGenSpec spec = data.spec();
    int lt = spec.testLength();
    long[] correct = new long[lt];
    int total = data.test().length;
    model.train(false);
    try (NoGradGuard g = new NoGradGuard()) {
      for (int from = 0; from < total; from += evalBatch) {
        int nb = Math.min(evalBatch, total - from);
        try (PointerScope scope = new PointerScope()) {
          long[] in = new long[nb * (lt + 1)];
          for (int b = 0; b < nb; b++) {
            in[b * (lt + 1)] = data.eosId();
            for (int i = 0; i < lt; i++) in[b * (lt + 1) + i + 1] = data.test()[from + b][i];
          }
          Tensor logits = model.forward(Tensor.create(in).view(nb, lt + 1)); // (B, L′+1, V)
          Tensor pred = torch.argmax(logits, new LongOptional(-1), false).contiguous(); // (B, L′+1)
          long[] p = new long[nb * (lt + 1)];
          pred.data_ptr_long().get(p);
          for (int b = 0; b < nb; b++)
            for (int i = spec.initialTokens(); i < lt; i++)
              if (p[b * (lt + 1) + i] == data.test()[from + b][i]) correct[i]++;
        }
      }
    }
    model.train(true);
    double[] byPos = new double[lt];
    long idC = 0, oodC = 0;
    for (int i = 0; i < lt; i++) {
      if (i < spec.initialTokens()) {
        byPos[i] = Double.NaN;
        continue;
      }
      byPos[i] = (double) correct[i] / total;
      if (i < spec.trainLength()) idC += correct[i];
      else oodC += correct[i];
    }
    int idN = (spec.trainLength() - spec.initialTokens()) * total;
    int oodN = (lt - spec.trainLength()) * total;
    return new Accuracy((double) idC / idN, oodN == 0 ? Double.NaN : (double) oodC / oodN, byPos);
  }

  private static int[] permutation(int n, Random rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
