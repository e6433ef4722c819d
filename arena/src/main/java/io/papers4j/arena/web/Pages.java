package io.papers4j.arena.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The three pages and their script and style, served from {@code arena-web/} resources. */
final class Pages {
  private Pages() {}

  static void battle(Context ctx) throws IOException {
    Requests.judge(ctx);
    ctx.html(resource("battle.html").replace("{{MODE}}", "anony"));
  }

  static void named(Context ctx) throws IOException {
    Requests.judge(ctx);
    ctx.html(resource("battle.html").replace("{{MODE}}", "named"));
  }

  static void leaderboard(Context ctx) throws IOException {
    ctx.html(resource("leaderboard.html"));
  }

  static void script(Context ctx) throws IOException {
    ctx.contentType("text/javascript; charset=utf-8").result(resource("arena.js"));
  }

  static void style(Context ctx) throws IOException {
    ctx.contentType("text/css; charset=utf-8").result(resource("arena.css"));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = Pages.class.getResourceAsStream("/arena-web/" + name)) {
      if (in == null) throw new IOException("missing web resource arena-web/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
