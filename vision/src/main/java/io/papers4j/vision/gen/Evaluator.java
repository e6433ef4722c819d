package io.papers4j.vision.gen;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Scores generated images against the real images of a data set, in the feature space of that
 * data set's {@link EvalClassifier} (spec §0.2):
 *
 * <ul>
 *   <li>{@code FD-<dataset>}: Fréchet distance between real and generated features ({@link FrechetDistance});
 *   <li>{@code KID-<dataset>} and {@code KID-<dataset>-std}: kernel distance over subsets, on
 *       features divided by the real set's RMS entry ({@link Kid#normalisedOf}; the raw features'
 *       scale, |x|²/d ≈ 38, makes the cubic kernel's estimate explode, see {@link Kid});
 *   <li>{@code conditional-accuracy} (one-head sets): how often the classifier agrees with the
 *       requested class, the analogue of CLIP score;
 *   <li>{@code attribute-accuracy-<head>} and their mean {@code attribute-accuracy} (multi-head
 *       sets such as shapes), over the attributes each request names (-1 = not requested).
 * </ul>
 *
 * The real features are computed once. Images are (N, C, S, S) in [0, 1].
 */
public final class Evaluator {
  private final EvalClassifier classifier;
  private final String dataset;
  private final Tensor realFeatures; // (N, 128)
  private final FrechetDistance.Moments real;
  private final int kidSubsets;
  private final int kidSubsetSize;

  /** KID over 50 subsets of at most 1000 (the clean-fid default sizes, capped by N). */
  public Evaluator(EvalClassifier classifier, Tensor realImages) {
    this(classifier, realImages, 50, 1000);
  }

  public Evaluator(EvalClassifier classifier, Tensor realImages, int kidSubsets, int kidSubsetSize) {
    this.classifier = classifier;
    this.dataset = classifier.config().dataset();
    this.realFeatures = classifier.featuresOf(realImages);
    this.real = FrechetDistance.moments(realFeatures);
    this.kidSubsets = kidSubsets;
    this.kidSubsetSize = kidSubsetSize;
  }

  public EvalClassifier classifier() {
    return classifier;
  }

  public String fdName() {
    return "FD-" + dataset;
  }

  public String kidName() {
    return "KID-" + dataset;
  }

  /** FD and KID of {@code generated} (N ≥ 2) against the real set. */
  public Map<String, Double> distances(Tensor generated, long seed) {
    Tensor f = classifier.featuresOf(generated);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(fdName(), FrechetDistance.of(real, FrechetDistance.moments(f)));
    Kid.Estimate k = Kid.normalisedOf(realFeatures, f, kidSubsets, kidSubsetSize, seed);
    m.put(kidName(), k.mean());
    m.put(kidName() + "-std", k.std());
    return m;
  }

  /**
   * Accuracy against the requested labels (N, heads), -1 where a request leaves an attribute
   * open: {@code conditional-accuracy} for one head, {@code attribute-accuracy-<head>} and their
   * mean for several. A head nobody requested is left out.
   */
  public Map<String, Double> accuracy(Tensor generated, Tensor requested) {
    int heads = classifier.config().heads().size();
    if (requested.dim() != 2 || requested.size(0) != generated.size(0) || requested.size(1) != heads) {
      throw new IllegalArgumentException("requested labels must be (N, " + heads + ") for " + generated.size(0) + " images, got " + java.util.Arrays.toString(requested.shape()));
    }
    Tensor pred = classifier.predict(generated); // (N, heads)
    Tensor asked = requested.ge(new org.bytedeco.pytorch.Scalar(0)); // (N, heads)
    Tensor hits = pred.eq(requested).logical_and(asked);
    Map<String, Double> m = new LinkedHashMap<>();
    double sum = 0;
    int counted = 0;
    for (int k = 0; k < heads; k++) {
      long n = asked.select(1, k).sum().item_long();
      if (n == 0) continue;
      double acc = hits.select(1, k).sum().item_long() / (double) n;
      if (heads == 1) m.put("conditional-accuracy", acc);
      else m.put("attribute-accuracy-" + classifier.config().heads().get(k), acc);
      sum += acc;
      counted++;
    }
    if (heads > 1 && counted > 0) m.put("attribute-accuracy", sum / counted);
    return m;
  }

  /** {@link #distances} plus, when {@code requested} is not null, {@link #accuracy}. */
  public Map<String, Double> evaluate(Tensor generated, Tensor requested, long seed) {
    Map<String, Double> m = distances(generated, seed);
    if (requested != null) m.putAll(accuracy(generated, requested));
    return m;
  }

  /** Requests (N, 1) for class-conditional samples of classes {@code classes}. */
  public static Tensor classRequests(long[] classes) {
    return torch.tensor(classes).view(classes.length, 1);
  }
}
