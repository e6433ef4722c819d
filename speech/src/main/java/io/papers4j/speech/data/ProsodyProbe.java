package io.papers4j.speech.data;

import io.papers4j.speech.audio.Pitch;
import java.util.List;

/**
 * How much of the speaker label prosody alone gives away: three utterance-level numbers — mean and
 * standard deviation of log F0 over the voiced frames (Hz from {@link Pitch}, not the z-scored
 * target) and frames per phone (speed) — and a multinomial logistic regression on them (features
 * standardised on the training set, full-batch gradient descent). The disentanglement criterion
 * "speaker from z_p near chance" can only hold on a corpus where this accuracy is itself near chance.
 */
public final class ProsodyProbe {
  private ProsodyProbe() {}

  static final int STEPS = 2000;
  static final double LR = 0.5;

  /** {mean log F0, std log F0, frames per phone}; an utterance without voiced frames gets log F0 0. */
  public static double[] features(SpeechCorpus.Utt u) {
    double[] hz = Pitch.codec16k().track(u.audio());
    double sum = 0, sq = 0;
    int n = 0;
    for (int t = 0; t < Math.min(hz.length, u.frames()); t++) {
      if (hz[t] > 0) {
        double l = Math.log(hz[t]);
        sum += l;
        sq += l * l;
        n++;
      }
    }
    double mean = n == 0 ? 0 : sum / n;
    double std = n < 2 ? 0 : Math.sqrt(Math.max(sq / n - mean * mean, 0));
    int speech = 0, runs = 0;
    int[] p = u.phones();
    for (int t = 0; t < p.length; t++) {
      if (p[t] == 0) continue;
      speech++;
      if (t == 0 || p[t - 1] != p[t]) runs++;
    }
    return new double[] {mean, std, runs == 0 ? 0 : speech / (double) runs};
  }

  /** Accuracy on {@code test} of the speaker classifier fit on {@code train}'s prosody features. */
  public static double speakerAccuracy(List<SpeechCorpus.Utt> train, List<SpeechCorpus.Utt> test, int speakers) {
    double[][] xtr = train.stream().map(ProsodyProbe::features).toArray(double[][]::new);
    double[][] xte = test.stream().map(ProsodyProbe::features).toArray(double[][]::new);
    int[] ytr = train.stream().mapToInt(SpeechCorpus.Utt::speaker).toArray();
    int[] yte = test.stream().mapToInt(SpeechCorpus.Utt::speaker).toArray();
    return accuracy(xtr, ytr, xte, yte, speakers);
  }

  /** Softmax regression fit on (xtr, ytr), accuracy on (xte, yte); labels in [0, classes). */
  static double accuracy(double[][] xtr, int[] ytr, double[][] xte, int[] yte, int classes) {
    int d = xtr[0].length, n = xtr.length;
    double[] mu = new double[d], sd = new double[d];
    for (double[] r : xtr) for (int j = 0; j < d; j++) mu[j] += r[j] / n;
    for (double[] r : xtr) for (int j = 0; j < d; j++) sd[j] += (r[j] - mu[j]) * (r[j] - mu[j]) / n;
    for (int j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) + 1e-9;
    double[][] w = new double[classes][d + 1]; // last column: bias
    for (int step = 0; step < STEPS; step++) {
      double[][] g = new double[classes][d + 1];
      for (int i = 0; i < n; i++) {
        double[] x = standardised(xtr[i], mu, sd);
        double[] p = softmax(w, x);
        for (int k = 0; k < classes; k++) {
          double e = p[k] - (k == ytr[i] ? 1 : 0);
          for (int j = 0; j <= d; j++) g[k][j] += e * x[j] / n;
        }
      }
      for (int k = 0; k < classes; k++) for (int j = 0; j <= d; j++) w[k][j] -= LR * g[k][j];
    }
    int ok = 0;
    for (int i = 0; i < xte.length; i++) {
      double[] p = softmax(w, standardised(xte[i], mu, sd));
      int best = 0;
      for (int k = 1; k < classes; k++) if (p[k] > p[best]) best = k;
      if (best == yte[i]) ok++;
    }
    return ok / (double) xte.length;
  }

  private static double[] standardised(double[] r, double[] mu, double[] sd) {
    double[] x = new double[r.length + 1];
    for (int j = 0; j < r.length; j++) x[j] = (r[j] - mu[j]) / sd[j];
    x[r.length] = 1;
    return x;
  }

  private static double[] softmax(double[][] w, double[] x) {
    double[] z = new double[w.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < w.length; k++) {
      for (int j = 0; j < x.length; j++) z[k] += w[k][j] * x[j];
      max = Math.max(max, z[k]);
    }
    double s = 0;
    for (int k = 0; k < z.length; k++) s += z[k] = Math.exp(z[k] - max);
    for (int k = 0; k < z.length; k++) z[k] /= s;
    return z;
  }
}
