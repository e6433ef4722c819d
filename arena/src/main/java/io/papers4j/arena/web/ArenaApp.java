package io.papers4j.arena.web;

import io.javalin.Javalin;
import io.javalin.config.Key;
import io.javalin.http.HttpResponseException;
import java.util.Map;

/**
 * The arena web server (Javalin). Every route is declared in {@link #routes}; handlers are the
 * small static methods of {@link Pages}, {@link BattleApi}, {@link LeaderboardApi} and {@link
 * AdminApi}. Errors become {@code {"error": "…"}} with a 4xx status.
 */
public final class ArenaApp {
  static final Key<Arena> ARENA = new Key<>("arena");
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ArenaApp.class);

  private ArenaApp() {}

  /** Creates the app (not started). */
  public static Javalin create(Arena arena) {
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              cfg.appData(ARENA, arena);
              cfg.http.maxRequestSize = 256_000L; // ten times the 24,000-character input limit
              // no graceful drain: every acknowledged vote is already committed, and open SSE streams
              // would otherwise hold the shutdown
              cfg.jetty.modifyServer(server -> server.setStopTimeout(0));
            });
    routes(app);
    app.exception(ApiError.class, (e, ctx) -> {
      if (e.retryAfter > 0) ctx.header("Retry-After", Long.toString(e.retryAfter));
      ctx.status(e.status).json(Map.of("error", e.getMessage()));
    });
    app.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus()).json(Map.of("error", e.getMessage())));
    // exception text can carry model names, URLs or store paths: log it, answer neutrally
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      ctx.status(500).json(Map.of("error", "internal error"));
    });
    app.error(404, ctx -> {
      String type = ctx.res().getContentType();
      if (type == null || !type.startsWith("application/json")) {
        ctx.json(Map.of("error", "no such route: " + ctx.method() + " " + ctx.path()));
      }
    });
    app.error(413, ctx -> ctx.json(Map.of("error", "request body too large")));
    return app;
  }

  /** All routes in one place. */
  static void routes(Javalin app) {
    app.get("/", Pages::battle);
    app.get("/named", Pages::named);
    app.get("/leaderboard", Pages::leaderboard);
    app.get("/static/arena.js", Pages::script);
    app.get("/static/arena.css", Pages::style);

    // every battle route (create, message, stream, regenerate, vote) is rate-limited by client address
    // before its handler runs, so an SSE stream is refused with a plain 429 before it opens
    app.before("/api/battles", Requests::limit);
    app.before("/api/battles/*", Requests::limit);
    app.get("/api/models", BattleApi::models);
    app.post("/api/battles", BattleApi::create);
    app.post("/api/battles/{id}/messages", BattleApi::message);
    app.sse("/api/battles/{id}/stream/{side}", BattleApi::stream);
    app.post("/api/battles/{id}/regenerate", BattleApi::regenerate);
    app.post("/api/battles/{id}/vote", BattleApi::vote);

    app.get("/api/leaderboard", LeaderboardApi::table);
    app.get("/api/leaderboard/heatmap/{kind}", LeaderboardApi::heatmap);

    app.get("/admin/export", AdminApi::export);
    app.post("/admin/flags", AdminApi::flag);
    app.delete("/admin/flags/{judge}", AdminApi::unflag);
    app.post("/admin/anomalies", AdminApi::detectAnomalies);
  }
}
