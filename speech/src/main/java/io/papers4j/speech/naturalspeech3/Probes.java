package io.papers4j.speech.naturalspeech3;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.speech.data.SpeechCorpus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Linear probes on frozen FACodec features (6(e) claim 1): which attribute each representation
 * carries. Features are standardised with the training split's mean/std; classification probes are
 * multinomial logistic regression (full-batch AdamW, 300 steps), the F0 probe is ridge regression
 * (closed form, λ = 1e-3) scored by R² on voiced frames. Fit on the training split, scored on
 * held-out sentences of the training speakers.
 *
 * <p>The F0 target is log F0 z-scored within each utterance (the paper's prosody target), so the F0
 * probe standardises every feature the same way — per utterance, over its voiced frames — before
 * the regression. Without that, a frame-wise linear map cannot remove each utterance's own mean and
 * scale: the true absolute log F0 as the feature scored R² 0.09 on the quick corpus, 1.00 after
 * (docs/naturalspeech3.md).
 */
public final class Probes {
  private Probes() {}

  /** Features of one utterance: frame-level z_p, z_c, z_d (T, D) and h_t (D). */
  record Feats(float[][] zp, float[][] zc, float[][] zd, float[] ht) {}

  static Feats features(Facodec m, SpeechCorpus.Utt u) {
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Facodec.Encoded e = m.encode(Batches.wave(u.audio(), SpeechCorpus.HOP));
      return new Feats(Batches.rows(e.zp().select(0, 0)), Batches.rows(e.zc().select(0, 0)),
          Batches.rows(e.zd().select(0, 0)), Batches.rows(e.timbre())[0]);
    }
  }

  static float[] mean(float[][] x) {
    float[] m = new float[x[0].length];
    for (float[] r : x) for (int j = 0; j < m.length; j++) m[j] += r[j] / x.length;
    return m;
  }

  /** All probe results: speaker accuracy per representation, phone accuracy, F0 R². */
  public static Map<String, Double> run(Facodec m, List<SpeechCorpus.Utt> train, List<SpeechCorpus.Utt> test, int speakers,
      int phones) {
    List<Feats> ftr = new ArrayList<>(), fte = new ArrayList<>();
    for (SpeechCorpus.Utt u : train) ftr.add(features(m, u));
    for (SpeechCorpus.Utt u : test) fte.add(features(m, u));
    Map<String, Double> out = new LinkedHashMap<>();
    String[] names = {"z_p", "z_c", "z_d", "h_t"};
    for (int k = 0; k < 4; k++) {
      final int kk = k;
      List<float[]> xtr = new ArrayList<>(), xte = new ArrayList<>();
      List<Integer> ytr = new ArrayList<>(), yte = new ArrayList<>();
      for (int i = 0; i < ftr.size(); i++) {
        xtr.add(pooled(ftr.get(i), kk));
        ytr.add(train.get(i).speaker());
      }
      for (int i = 0; i < fte.size(); i++) {
        xte.add(pooled(fte.get(i), kk));
        yte.add(test.get(i).speaker());
      }
      out.put("speaker_acc_from_" + names[k], classify(xtr, ytr, xte, yte, speakers));
    }
    for (int k = 0; k < 3; k++) {
      List<float[]> xtr = new ArrayList<>(), xte = new ArrayList<>();
      List<Integer> ytr = new ArrayList<>(), yte = new ArrayList<>();
      List<float[][]> ktr = new ArrayList<>(), kte = new ArrayList<>();
      for (int i = 0; i < ftr.size(); i++) {
        phoneFrames(frame(ftr.get(i), k), train.get(i), xtr, ytr);
        ktr.add(frame(ftr.get(i), k));
      }
      for (int i = 0; i < fte.size(); i++) {
        phoneFrames(frame(fte.get(i), k), test.get(i), xte, yte);
        kte.add(frame(fte.get(i), k));
      }
      out.put("phone_acc_from_" + names[k], classify(xtr, ytr, xte, yte, phones));
      out.put("f0_r2_from_" + names[k], f0R2(ktr, train, kte, test));
    }
    return out;
  }

  /**
   * R² of the ridge F0 probe: frame features (T, D) per utterance, standardised within each
   * utterance over its voiced frames like the z-scored log-F0 target, fit on {@code train}, scored
   * on {@code test}.
   */
  static double f0R2(List<float[][]> xtr, List<SpeechCorpus.Utt> train, List<float[][]> xte, List<SpeechCorpus.Utt> test) {
    List<float[]> vtr = new ArrayList<>(), vte = new ArrayList<>();
    List<Float> ytr = new ArrayList<>(), yte = new ArrayList<>();
    for (int i = 0; i < xtr.size(); i++) voicedFrames(xtr.get(i), train.get(i), vtr, ytr);
    for (int i = 0; i < xte.size(); i++) voicedFrames(xte.get(i), test.get(i), vte, yte);
    return ridgeR2(vtr, ytr, vte, yte);
  }

  static float[] pooled(Feats f, int k) {
    return switch (k) {
      case 0 -> mean(f.zp());
      case 1 -> mean(f.zc());
      case 2 -> mean(f.zd());
      default -> f.ht();
    };
  }

  static float[][] frame(Feats f, int k) {
    return k == 0 ? f.zp() : k == 1 ? f.zc() : f.zd();
  }

  /** Every 2nd frame with its phone, for the phone probe. */
  static void phoneFrames(float[][] x, SpeechCorpus.Utt u, List<float[]> xs, List<Integer> ys) {
    for (int t = 0; t < x.length; t += 2) {
      xs.add(x[t]);
      ys.add(u.phones()[t]);
    }
  }

  /**
   * The voiced frames of one utterance with their z-scored log F0; each feature is z-scored over
   * the same frames (an utterance with fewer than two voiced frames adds nothing).
   */
  static void voicedFrames(float[][] x, SpeechCorpus.Utt u, List<float[]> vx, List<Float> vy) {
    List<float[]> rows = new ArrayList<>();
    for (int t = 0; t < x.length; t++) {
      if (u.uv()[t] > 0.5f) {
        rows.add(x[t]);
        vy.add(u.lf0()[t]);
      }
    }
    if (rows.size() < 2) {
      vy.subList(vy.size() - rows.size(), vy.size()).clear();
      return;
    }
    float[][] st = stats(rows);
    for (float[] r : rows) {
      float[] z = new float[r.length];
      for (int j = 0; j < r.length; j++) z[j] = (r[j] - st[0][j]) / st[1][j];
      vx.add(z);
    }
  }

  static Tensor matrix(List<float[]> x, float[] mu, float[] sd) {
    int n = x.size(), d = x.get(0).length;
    float[] flat = new float[n * d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) flat[i * d + j] = (x.get(i)[j] - mu[j]) / sd[j];
    return Batches.floats(flat, n, d);
  }

  static float[][] stats(List<float[]> x) {
    int d = x.get(0).length;
    float[] mu = new float[d], sd = new float[d];
    for (float[] r : x) for (int j = 0; j < d; j++) mu[j] += r[j] / x.size();
    for (float[] r : x) for (int j = 0; j < d; j++) sd[j] += (r[j] - mu[j]) * (r[j] - mu[j]) / x.size();
    for (int j = 0; j < d; j++) sd[j] = (float) Math.sqrt(sd[j]) + 1e-5f;
    return new float[][] {mu, sd};
  }

  /** Accuracy of a multinomial logistic regression fit on (xtr, ytr), scored on (xte, yte). */
  static double classify(List<float[]> xtr, List<Integer> ytr, List<float[]> xte, List<Integer> yte, int classes) {
    return fitLogistic(xtr, ytr, classes).accuracy(xte, yte);
  }

  /**
   * A multinomial logistic regression on features standardised with the fitting set's mean and
   * standard deviation: logits = ((x − mu) / sd)·w + b, w (D, S) row-major. Plain floats, so it
   * outlives the native scope it was fit in (the in-training speaker probe keeps one between steps).
   */
  record Logistic(float[] mu, float[] sd, float[] w, float[] b) {
    int dim() {
      return mu.length;
    }

    int classes() {
      return b.length;
    }

    /** Logits (N, S) of x (N, D); mu, sd, w and b are constants to autograd, so x receives the gradient. */
    Tensor logits(Tensor x) {
      Tensor z = x.sub(Batches.floats(mu, dim()).to(x.scalar_type())).div(Batches.floats(sd, dim()).to(x.scalar_type()));
      return z.matmul(Batches.floats(w, dim(), classes()).to(x.scalar_type())).add(Batches.floats(b, classes()).to(x.scalar_type()));
    }

    /** Fraction of rows whose argmax logit is their label. */
    double accuracy(List<float[]> x, List<Integer> y) {
      try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
        int n = x.size();
        Tensor logits = matrix(x, mu, sd).matmul(Batches.floats(w, dim(), classes())).add(Batches.floats(b, classes()));
        Tensor pred = logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false);
        long[] p = new long[n];
        pred.contiguous().data_ptr_long().get(p);
        int ok = 0;
        for (int i = 0; i < n; i++) if (p[i] == y.get(i)) ok++;
        return ok / (double) n;
      }
    }
  }

  /** The speaker (or phone) probe's fit: full-batch AdamW (lr 0.05), 300 steps from zero weights; deterministic. */
  static Logistic fitLogistic(List<float[]> xtr, List<Integer> ytr, int classes) {
    return fitLogistic(xtr, ytr, classes, 0);
  }

  /** As above with {@code l2} × the sum of the squared weights added to the loss (0: the criterion's probe). */
  static Logistic fitLogistic(List<float[]> xtr, List<Integer> ytr, int classes, double l2) {
    float[][] st = stats(xtr);
    try (PointerScope scope = new PointerScope()) {
      Tensor x = matrix(xtr, st[0], st[1]);
      long[] y = ytr.stream().mapToLong(Integer::longValue).toArray();
      Tensor yt = Batches.longs(y, y.length);
      int d = (int) x.size(1);
      Tensor w = torch.zeros(d, classes).set_requires_grad(true), b = torch.zeros(classes).set_requires_grad(true);
      Map<String, Tensor> ps = new LinkedHashMap<>();
      ps.put("w", w);
      ps.put("b", b);
      AdamW opt = new AdamW(ps, new AdamConfig(0.05, 0.9, 0.999, 1e-8, 0.0));
      for (int s = 0; s < 300; s++) {
        try (PointerScope inner = new PointerScope()) {
          opt.zeroGrad();
          Tensor loss = torch.cross_entropy_loss(x.matmul(w).add(b), yt);
          if (l2 > 0) loss = loss.add(w.pow(new Scalar(2)).sum().mul(new Scalar(l2)));
          NativeExit.backward(loss);
          opt.step();
        }
      }
      float[] wv = new float[d * classes], bv = new float[classes];
      w.detach().contiguous().data_ptr_float().get(wv);
      b.detach().contiguous().data_ptr_float().get(bv);
      return new Logistic(st[0], st[1], wv, bv);
    }
  }

  /** R² on the test set of a ridge regression y ≈ x·w + b fit on the training set. */
  static double ridgeR2(List<float[]> xtr, List<Float> ytr, List<float[]> xte, List<Float> yte) {
    float[][] st = stats(xtr);
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Tensor x = matrix(xtr, st[0], st[1]);
      x = torch.cat(new org.bytedeco.pytorch.TensorVector(x, torch.ones(x.size(0), 1)), 1);
      float[] yv = new float[ytr.size()];
      for (int i = 0; i < yv.length; i++) yv[i] = ytr.get(i);
      Tensor y = Batches.floats(yv, yv.length, 1);
      Tensor a = x.t().matmul(x).add(torch.eye(x.size(1)).mul(new Scalar(1e-3 * x.size(0))));
      Tensor w = torch.linalg_solve(a, x.t().matmul(y));
      Tensor xt = matrix(xte, st[0], st[1]);
      xt = torch.cat(new org.bytedeco.pytorch.TensorVector(xt, torch.ones(xt.size(0), 1)), 1);
      float[] pred = new float[(int) xt.size(0)];
      xt.matmul(w).reshape(-1).contiguous().data_ptr_float().get(pred);
      double mean = 0;
      for (float v : yte) mean += v / yte.size();
      double ssr = 0, sst = 0;
      for (int i = 0; i < pred.length; i++) {
        ssr += (yte.get(i) - pred[i]) * (yte.get(i) - pred[i]);
        sst += (yte.get(i) - mean) * (yte.get(i) - mean);
      }
      return 1 - ssr / Math.max(sst, 1e-12);
    }
  }
}
