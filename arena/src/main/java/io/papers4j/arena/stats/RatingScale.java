package io.papers4j.arena.stats;

/**
 * FastChat's display scale: rating = (scale / ln base) · ξ + init, i.e. 400 points per factor 10 in
 * odds, centred at 1000 when Σξ = 0; optionally shifted so one anchor model has a fixed rating
 * (FastChat anchored mixtral-8x7b-instruct-v0.1 at 1114).
 *
 * @param scale rating points per factor {@code base} (400)
 * @param base odds base (10)
 * @param init rating of the mean strength (1000)
 * @param anchorModel model whose rating is pinned, or null for the mean-1000 convention
 * @param anchorRating the pinned rating
 */
public record RatingScale(
    double scale, double base, double init, String anchorModel, double anchorRating) {

  public static final RatingScale FASTCHAT = new RatingScale(400, 10, 1000, null, 0);

  public RatingScale withAnchor(String model, double rating) {
    return new RatingScale(scale, base, init, model, rating);
  }

  /** Converts natural-log strengths (Σξ = 0) to displayed ratings, applying the anchor if present. */
  public double[] ratings(double[] xi, ModelIndex models) {
    double f = scale / Math.log(base);
    double[] r = new double[xi.length];
    for (int i = 0; i < xi.length; i++) r[i] = f * xi[i] + init;
    if (anchorModel != null && models.contains(anchorModel)) {
      double shift = anchorRating - r[models.indexOf(anchorModel)];
      for (int i = 0; i < r.length; i++) r[i] += shift;
    }
    return r;
  }

  /** Points per natural-log unit, 400 / ln 10 ≈ 173.7. */
  public double pointsPerNat() {
    return scale / Math.log(base);
  }
}
