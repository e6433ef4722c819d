package io.papers4j.arena.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.UUID;

/** Request helpers shared by the handlers: JSON bodies, the judge cookie, the arena. */
final class Requests {
  private Requests() {}

  static Arena arena(Context ctx) {
    return ctx.appData(ArenaApp.ARENA);
  }

  /** The JSON object body; 400 when it is missing or not an object. */
  static JsonNode body(Context ctx) {
    String raw = ctx.body();
    if (raw.isBlank()) return Arena.JSON.createObjectNode();
    JsonNode n;
    try {
      n = Arena.JSON.readTree(raw);
    } catch (Exception e) {
      throw new ApiError(400, "request body is not valid JSON");
    }
    if (n == null || !n.isObject()) throw new ApiError(400, "request body must be a JSON object");
    return n;
  }

  static String string(JsonNode body, String field, boolean required) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (required) throw new ApiError(400, "missing field '" + field + "'");
      return null;
    }
    if (!v.isTextual()) throw new ApiError(400, "field '" + field + "' must be a string");
    return v.asText();
  }

  private static final java.util.regex.Pattern UID = java.util.regex.Pattern.compile("[A-Za-z0-9-]{8,64}");

  /** {@code arena_user_<uid>} from the {@code arena_uid} cookie, set here when absent. */
  static String judge(Context ctx) {
    String uid = ctx.cookie("arena_uid");
    if (uid == null || !UID.matcher(uid).matches()) {
      uid = UUID.randomUUID().toString();
      // HttpOnly: page scripts never need it; SameSite=Lax: other sites cannot vote in the user's name
      ctx.cookie(new io.javalin.http.Cookie("arena_uid", uid, "/", 365 * 24 * 3600, false, 0, true, null, null, io.javalin.http.SameSite.LAX));
    }
    return "arena_user_" + uid;
  }

  /**
   * The client's address: the last entry of the configured {@code trusted_proxy_header} (the one
   * the reverse proxy itself appended) when that option is set and the header present, else the
   * socket's peer address. The header is never read when the option is unset, because any client
   * can send it.
   */
  static String client(Context ctx) {
    String name = arena(ctx).config.trustedProxyHeader();
    if (name != null) {
      String v = ctx.header(name);
      if (v != null) {
        String[] parts = v.split(",");
        String last = parts[parts.length - 1].trim();
        if (!last.isEmpty()) return last.length() > 64 ? last.substring(0, 64) : last;
      }
    }
    return ctx.ip();
  }

  /**
   * Rate limits of the battle routes, by client address: every request against {@code
   * requests_per_minute}; messages, regenerations and votes (the ones that start backend calls or
   * count) also against {@code votes_per_minute}. 429 with {@code Retry-After} past either.
   */
  static void limit(Context ctx) {
    Arena arena = arena(ctx);
    String client = client(ctx);
    arena.requestLimiter.acquire(client, arena.config.requestsPerMinute());
    String path = ctx.path();
    if (ctx.method() == io.javalin.http.HandlerType.POST
        && (path.endsWith("/messages") || path.endsWith("/regenerate") || path.endsWith("/vote"))) {
      arena.turnLimiter.acquire(client, arena.config.votesPerMinute());
    }
  }

  static void requireAdmin(Context ctx) {
    String token = arena(ctx).config.adminToken();
    if (token == null) throw new ApiError(403, "admin routes are disabled (no admin_token in the config)");
    String given = ctx.header("Authorization");
    // constant-time comparison: the time to reject must not reveal how much of a guess was right
    if (given == null || !java.security.MessageDigest.isEqual(given.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        ("Bearer " + token).getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      throw new ApiError(401, "admin route needs header Authorization: Bearer <admin_token>");
    }
  }
}
