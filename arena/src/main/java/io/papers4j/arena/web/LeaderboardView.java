package io.papers4j.arena.web;

import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.Leaderboard;
import io.papers4j.arena.stats.ModelIndex;
import io.papers4j.arena.stats.RatingScale;
import io.papers4j.arena.stats.WinMatrices;
import io.papers4j.core.report.Plot;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** The leaderboard's JSON (table plus the three FastChat matrices) and its heatmap PNGs. */
final class LeaderboardView {
  private LeaderboardView() {}

  /**
   * Weak BT prior of the web leaderboard: λ·Σ(ξ_i − ξ̄)² with λ = 0.1 nat⁻², i.e. a N(0, 5 nat²)
   * prior on each centred strength (sd 2.2 nats, about 390 rating points). It keeps ratings finite
   * when votes are few or separate perfectly (one vote: the two models end 283 points apart; 20-0:
   * 680 points) and moves ratings backed by thousands of votes by well under one point. The CLI,
   * the reproduction and the Java API default to no prior (FastChat's MLE).
   */
  static final double PRIOR_L2 = 0.1;

  /** Models with fewer votes than this are listed but marked {@code "preliminary": true}. */
  static final int MIN_VOTES = 30;

  static Map<String, Object> compute(List<Battle> battles, int bootstrap) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("battles", battles.size());
    if (battles.isEmpty()) {
      out.put("rows", List.of());
      out.put("models", List.of());
      return out;
    }
    Leaderboard.Options d = Leaderboard.Options.defaults();
    var rows = Leaderboard.compute(battles,
        new Leaderboard.Options(d.method(), bootstrap, d.seed(), d.scale(), d.resampling(), d.alpha(), PRIOR_L2));
    List<Map<String, Object>> table = new ArrayList<>();
    for (var r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rank", r.rank());
      m.put("model", r.model());
      m.put("rating", Math.round(r.rating()));
      m.put("ci_plus", Math.round(r.upper() - r.rating()));
      m.put("ci_minus", Math.round(r.rating() - r.lower()));
      m.put("votes", r.votes());
      m.put("preliminary", r.votes() < MIN_VOTES);
      table.add(m);
    }
    out.put("rows", table);
    out.put("min_votes", MIN_VOTES);
    out.put("prior_l2", PRIOR_L2);
    // matrices in leaderboard order, as FastChat plots them
    List<String> order = rows.stream().map(Leaderboard.Row::model).toList();
    ModelIndex idx = ModelIndex.of(battles);
    double[] ratings = new double[order.size()];
    for (int i = 0; i < order.size(); i++) ratings[i] = rows.get(i).rating();
    out.put("models", order);
    out.put("win_fraction", reorder(WinMatrices.winFraction(battles, idx), idx, order));
    out.put("battle_count", reorder(WinMatrices.battleCount(battles, idx), idx, order));
    out.put("predicted_win_rate", WinMatrices.predicted(ratings, RatingScale.FASTCHAT));
    return out;
  }

  private static double[][] reorder(double[][] m, ModelIndex idx, List<String> order) {
    int n = order.size();
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) out[i][j] = m[idx.indexOf(order.get(i))][idx.indexOf(order.get(j))];
    return out;
  }

  /** PNG bytes of one matrix: win_fraction, battle_count or predicted_win_rate. */
  @SuppressWarnings("unchecked")
  static byte[] heatmap(Map<String, Object> board, String kind) throws Exception {
    String title = switch (kind) {
      case "win_fraction" -> "Fraction of model A wins (ties excluded)";
      case "battle_count" -> "Battle count per pair (ties excluded)";
      case "predicted_win_rate" -> "Predicted win rate of model A (BT)";
      default -> throw new ApiError(404, "unknown heatmap: " + kind + " (win_fraction, battle_count, predicted_win_rate)");
    };
    List<String> models = (List<String>) board.get("models");
    if (models.isEmpty()) throw new ApiError(404, "no votes yet");
    double[][] m = (double[][]) board.get(kind);
    var h = Plot.heatmap(title).rows(models).cols(models).values(m).xLabel("model B").yLabel("model A");
    if (!kind.equals("battle_count")) h.range(0, 1).format("%.2f");
    else h.format("%.0f");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ImageIO.write(h.render(), "png", buf);
    return buf.toByteArray();
  }
}
