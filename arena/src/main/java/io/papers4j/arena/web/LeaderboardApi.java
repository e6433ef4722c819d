package io.papers4j.arena.web;

import io.javalin.http.Context;

/** Leaderboard JSON and heatmap PNGs. */
final class LeaderboardApi {
  private LeaderboardApi() {}

  static void table(Context ctx) throws Exception {
    ctx.json(Requests.arena(ctx).leaderboard());
  }

  static void heatmap(Context ctx) throws Exception {
    byte[] png = LeaderboardView.heatmap(Requests.arena(ctx).leaderboard(), ctx.pathParam("kind"));
    ctx.contentType("image/png").result(png);
  }
}
