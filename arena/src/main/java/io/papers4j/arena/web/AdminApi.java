package io.papers4j.arena.web;

import io.javalin.http.Context;
import io.papers4j.arena.log.Cleaner;
import io.papers4j.arena.stats.AnomalyDetector;
import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.store.VoteRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Admin routes (bearer token from the config): export, user flags, anomaly detection. */
final class AdminApi {
  private AdminApi() {}

  /** {@code ?format=votes} (FastChat vote log, default), {@code clean} or {@code simple} (clean_battle JSON lines). */
  static void export(Context ctx) throws Exception {
    Requests.requireAdmin(ctx);
    Arena arena = Requests.arena(ctx);
    String format = ctx.queryParamAsClass("format", String.class).getOrDefault("votes");
    StringBuilder sb = new StringBuilder();
    Cleaner cleaner = new Cleaner(arena.config.modelNames());
    for (VoteRecord v : arena.store.votes()) {
      switch (format) {
        case "votes" -> sb.append(v.stateJson()).append('\n');
        case "clean", "simple" -> {
          var c = cleaner.clean(v.stateJson());
          if (c != null) sb.append(Arena.JSON.writeValueAsString(format.equals("simple") ? Cleaner.simple(c) : c)).append('\n');
        }
        default -> throw new ApiError(400, "format must be votes, clean or simple; got " + format);
      }
    }
    ctx.contentType("application/x-ndjson").result(sb.toString());
  }

  /** {@code {"judge": …, "reason": …}}: leaves this judge's votes out of the ratings. */
  static void flag(Context ctx) throws Exception {
    Requests.requireAdmin(ctx);
    var body = Requests.body(ctx);
    String judge = Requests.string(body, "judge", true);
    String reason = Requests.string(body, "reason", false);
    Requests.arena(ctx).store.flag(judge, reason == null ? "admin" : reason, System.currentTimeMillis() / 1000.0);
    Requests.arena(ctx).invalidateLeaderboard();
    ctx.json(Map.of("flagged", judge));
  }

  static void unflag(Context ctx) throws Exception {
    Requests.requireAdmin(ctx);
    Requests.arena(ctx).store.unflag(ctx.pathParam("judge"));
    Requests.arena(ctx).invalidateLeaderboard();
    ctx.json(Map.of("unflagged", ctx.pathParam("judge")));
  }

  /**
   * Runs FastChat's e-value test (α = 0.05, users with ≥ 5 votes) and the paper's Fisher test
   * (two-sided, α from {@code ?alpha=}, default 0.1) against everyone else's votes, and flags users
   * that either test flags when {@code ?apply=true}.
   */
  static void detectAnomalies(Context ctx) throws Exception {
    Requests.requireAdmin(ctx);
    Arena arena = Requests.arena(ctx);
    double alpha = ctx.queryParamAsClass("alpha", Double.class).check(a -> a > 0 && a < 1, "alpha must be in (0, 1)").getOrDefault(0.1);
    boolean apply = ctx.queryParamAsClass("apply", Boolean.class).getOrDefault(false);
    List<Battle> battles = arena.cleanBattles();
    AnomalyDetector det = new AnomalyDetector(battles);
    List<Map<String, Object>> out = new ArrayList<>();
    for (var e : AnomalyDetector.byJudge(battles).entrySet()) {
      var ev = det.eValue(e.getValue(), 0.05);
      var fi = det.fisher(e.getValue(), alpha, e.getKey().hashCode(), true);
      if (ev.flagged() || fi.flagged()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("judge", e.getKey());
        m.put("votes", e.getValue().size());
        m.put("e_value_flag", ev.flagged());
        m.put("fisher_flag", fi.flagged());
        out.add(m);
        if (apply) arena.store.flag(e.getKey(), "anomaly detection", System.currentTimeMillis() / 1000.0);
      }
    }
    if (apply) arena.invalidateLeaderboard();
    ctx.json(Map.of("flagged", out, "applied", apply));
  }
}
