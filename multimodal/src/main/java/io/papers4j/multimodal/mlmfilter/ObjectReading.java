package io.papers4j.multimodal.mlmfilter;

import io.papers4j.multimodal.vlm.Images;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;

/**
 * Does an ITM scorer read the object? Each clean scene caption of a pool is scored with its own scene and with the same
 * scene re-rendered with only the main object's shape changed to one not in the scene ({@link Scene#withMainShape}: same
 * clutter, colour, size and place). The oracle's ITM falls (a clean caption names the main object); a scorer that answers
 * from the caption's text scores both alike, as every filter measured so far does (docs/mlm-filter.md, "Reading the
 * object").
 */
public final class ObjectReading {
  /** A clean caption, its own image and the re-shaped one, with the oracle's ITM of each. */
  public record Pair(String caption, Tensor own, Tensor reshaped, int oracleOwn, int oracleReshaped) {}

  /**
   * Mean scores over the pairs both of whose scores parsed ({@code compared}), how many of them score lower with the
   * re-shaped scene, and the malformed outputs (left out).
   */
  public record Result(int pairs, int compared, double own, double reshaped, double oracleOwn, double oracleReshaped, int lower, long malformed) {}

  private ObjectReading() {}

  /** The re-shaped pairs of every clean scene caption in {@code pool}; the new shapes drawn from {@code seed}. */
  public static List<Pair> pairs(List<WebPool.Pair> pool, long seed) {
    Random r = new Random(seed);
    List<Pair> out = new ArrayList<>();
    for (WebPool.Pair p : pool) {
      if (p.scene() == null || !p.defect().equals("clean")) continue;
      int shape;
      do shape = r.nextInt(Scene.SHAPES.size()); while (Captions.present(p.scene(), shape));
      Scene other = p.scene().withMainShape(shape);
      out.add(new Pair(p.caption(), p.image(), Images.toTensor(other.render()), p.truth().score(Metric.ITM),
          Oracle.scene(other, p.structure()).score(Metric.ITM)));
    }
    if (out.isEmpty()) throw new IllegalArgumentException("the pool holds no clean scene caption to re-shape");
    return out;
  }

  /** Scores every pair on ITM with {@code gen} in batches of {@code batch}. */
  public static Result measure(List<Pair> pairs, PoolScorer.Generator gen, int batch) {
    List<PoolScorer.Item> own = new ArrayList<>(), reshaped = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      own.add(new PoolScorer.Item("o" + i, p.caption(), p::own));
      reshaped.add(new PoolScorer.Item("r" + i, p.caption(), p::reshaped));
    }
    Map<String, Double> a = PoolScorer.score(own, Metric.ITM, batch, null, gen, null).byId();
    Map<String, Double> b = PoolScorer.score(reshaped, Metric.ITM, batch, null, gen, null).byId();
    double sa = 0, sb = 0, oa = 0, ob = 0;
    int compared = 0, lower = 0;
    long malformed = 0;
    for (int i = 0; i < pairs.size(); i++) {
      double x = a.get("o" + i), y = b.get("r" + i);
      malformed += (Double.isNaN(x) ? 1 : 0) + (Double.isNaN(y) ? 1 : 0);
      if (Double.isNaN(x) || Double.isNaN(y)) continue;
      compared++;
      sa += x;
      sb += y;
      oa += pairs.get(i).oracleOwn();
      ob += pairs.get(i).oracleReshaped();
      if (y < x) lower++;
    }
    double n = Math.max(1, compared);
    return new Result(pairs.size(), compared, sa / n, sb / n, oa / n, ob / n, lower, malformed);
  }
}
