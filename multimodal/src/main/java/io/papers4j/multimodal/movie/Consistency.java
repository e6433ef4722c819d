package io.papers4j.multimodal.movie;

import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The measures behind claims (i) and (ii), each a fixed function named as what it is (no LPIPS or
 * CLIP weights exist here):
 *
 * <ul>
 *   <li>{@link #styleDistance}: mean pairwise L1 distance between the frames' normalised colour
 *       histograms (4 bins per RGB channel, 64 bins; 0 = same palette, 2 = disjoint). Stands in for
 *       the paper's LPIPS style consistency (Tab. 5).
 *   <li>{@link #lookConsistency}: the fraction of character mentions in the frame texts that use the
 *       character's fixed look (story consistency of the plot).
 *   <li>{@link #locationContinuity}: the fraction of consecutive frame pairs at the same location.
 * </ul>
 */
public final class Consistency {
  private Consistency() {}

  /** 64-bin RGB histogram (4 bins per channel), summing to 1. */
  public static double[] histogram(BufferedImage img) {
    double[] h = new double[64];
    int n = img.getWidth() * img.getHeight();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = ((rgb >> 16) & 0xff) >> 6, g = ((rgb >> 8) & 0xff) >> 6, b = (rgb & 0xff) >> 6;
        h[r * 16 + g * 4 + b] += 1.0 / n;
      }
    }
    return h;
  }

  /** L1 distance of two histograms. */
  public static double l1(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
    return s;
  }

  /** Mean pairwise histogram L1 over all frame pairs (0 for fewer than two frames). */
  public static double styleDistance(List<BufferedImage> frames) {
    double[][] h = frames.stream().map(Consistency::histogram).toArray(double[][]::new);
    double s = 0;
    int pairs = 0;
    for (int i = 0; i < h.length; i++) {
      for (int j = i + 1; j < h.length; j++) {
        s += l1(h[i], h[j]);
        pairs++;
      }
    }
    return pairs == 0 ? 0 : s / pairs;
  }

  /** Mean histogram L1 between consecutive frames (image-level continuity; lower = smoother). */
  public static double consecutiveDistance(List<BufferedImage> frames) {
    double s = 0;
    for (int i = 1; i < frames.size(); i++) s += l1(histogram(frames.get(i - 1)), histogram(frames.get(i)));
    return frames.size() < 2 ? 0 : s / (frames.size() - 1);
  }

  /** Fraction of (frame, character) mentions whose look equals the character's fixed look. */
  public static double lookConsistency(Plot plot) {
    Map<String, String> fixed = new HashMap<>();
    for (Plot.Person p : plot.characters()) fixed.put(p.name(), p.look());
    int same = 0, total = 0;
    for (Plot.Frame f : plot.frames()) {
      for (int i = 0; i < f.characters().size(); i++) {
        total++;
        if (f.looks().get(i).equals(fixed.get(f.characters().get(i)))) same++;
      }
    }
    return total == 0 ? 1 : (double) same / total;
  }

  /** Fraction of consecutive frames at the same location. */
  public static double locationContinuity(Plot plot) {
    List<Plot.Frame> fs = plot.frames();
    int same = 0;
    for (int i = 1; i < fs.size(); i++) if (fs.get(i).location().equals(fs.get(i - 1).location())) same++;
    return fs.size() < 2 ? 1 : (double) same / (fs.size() - 1);
  }
}
