package io.papers4j.arena.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.papers4j.arena.store.VoteRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The battle flow of FastChat's anonymous and named arenas: create a battle, send a message (same
 * text to both sides, moderated, length and turn limits), stream each side's reply over SSE, vote
 * once both replies finished (stored durably before the reply), regenerate.
 */
final class BattleApi {
  private BattleApi() {}

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BattleApi.class);

  /**
   * What the browser hears when a backend fails. Backend errors name the model, its API base and
   * sometimes the upstream's own text, any of which would unmask an anonymous battle before the
   * vote, so the detail goes to the server log only.
   */
  static final String REPLY_FAILED = "this reply could not be generated; regenerate or start a new round";

  /** FastChat's error text for a failed reply (the cleaner drops such battles). */
  static final String ERROR_REPLY = "**NETWORK ERROR DUE TO HIGH TRAFFIC. PLEASE REGENERATE OR REFRESH THIS PAGE.**";

  static void models(Context ctx) {
    ctx.json(Map.of("models", Requests.arena(ctx).config.modelNames()));
  }

  /** {@code {"anony": true}} or {@code {"anony": false, "model_a": …, "model_b": …}}. */
  static void create(Context ctx) {
    Arena arena = Requests.arena(ctx);
    JsonNode body = Requests.body(ctx);
    boolean anony = !body.has("anony") || body.get("anony").asBoolean(true);
    String a = null, b = null;
    if (!anony) {
      a = Requests.string(body, "model_a", true);
      b = Requests.string(body, "model_b", true);
      for (String m : new String[] {a, b}) {
        if (arena.config.model(m) == null) throw new ApiError(400, "unknown model id: " + m);
      }
      if (a.equals(b)) throw new ApiError(400, "model_a and model_b must differ");
    }
    BattleSession s = arena.newBattle(anony, a, b, Requests.judge(ctx), Requests.client(ctx));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", s.id);
    out.put("anony", anony);
    if (!anony) out.put("models", List.of(s.models[0], s.models[1]));
    out.put("max_input_chars", arena.config.maxInputChars());
    out.put("max_turns", arena.config.maxTurns());
    ctx.status(201).json(out);
  }

  /** {@code {"text": …}}: appends the user's message to both sides. */
  static void message(Context ctx) {
    Arena arena = Requests.arena(ctx);
    BattleSession s = arena.session(ctx.pathParam("id"));
    String text = Requests.string(Requests.body(ctx), "text", true);
    if (text.isBlank()) throw new ApiError(400, "empty message");
    if (text.length() > arena.config.maxInputChars()) {
      throw new ApiError(400, "message longer than " + arena.config.maxInputChars() + " characters");
    }
    boolean moderated;
    synchronized (s) {
      if (s.voted) throw new ApiError(409, "this battle was voted on; start a new round");
      if (s.turns > 0 && !finished(s)) throw new ApiError(409, "wait until both replies have finished");
      if (s.turns >= arena.config.maxTurns()) {
        throw new ApiError(400, "conversation limit of " + arena.config.maxTurns() + " turns reached; start a new round");
      }
      // FastChat moderates the last 1000 characters of history plus the new text
      StringBuilder recent = new StringBuilder();
      for (var m : s.conv.get(0)) recent.append(m.content()).append('\n');
      String window = recent.substring(Math.max(0, recent.length() - 1000)) + text;
      moderated = arena.moderation.flagged(window);
      String content = moderated ? Moderation.MESSAGE : text;
      for (int side = 0; side < 2; side++) {
        s.conv.get(side).add(new ChatBackend.Message("user", content));
        s.side[side] = BattleSession.Side.IDLE;
      }
      s.turns++;
    }
    ctx.json(Map.of("turn", s.turns, "moderated", moderated));
  }

  private static boolean finished(BattleSession s) {
    for (BattleSession.Side x : s.side) {
      if (x != BattleSession.Side.DONE && x != BattleSession.Side.ERROR) return false;
    }
    return true;
  }

  /**
   * SSE: streams side a or b's reply to the last user message as {@code delta} events (JSON
   * strings), then {@code done}; a reply already produced is replayed, so a reconnect is harmless.
   */
  static void stream(SseClient client) {
    Context ctx = client.ctx();
    Arena arena = Requests.arena(ctx);
    BattleSession s;
    int side;
    try {
      s = arena.session(ctx.pathParam("id"));
      side = switch (ctx.pathParam("side")) {
        case "a" -> 0;
        case "b" -> 1;
        default -> throw new ApiError(400, "side must be a or b");
      };
    } catch (ApiError e) {
      client.sendEvent("failed", json(e.getMessage()));
      client.close();
      return;
    }
    List<ChatBackend.Message> history;
    synchronized (s) {
      if (s.turns == 0) {
        client.sendEvent("failed", json("no message yet"));
        client.close();
        return;
      }
      if (s.side[side] == BattleSession.Side.DONE || s.side[side] == BattleSession.Side.ERROR) {
        List<ChatBackend.Message> c = s.conv.get(side);
        client.sendEvent("delta", json(c.get(c.size() - 1).content()));
        client.sendEvent(s.side[side] == BattleSession.Side.DONE ? "done" : "failed", json("replayed"));
        client.close();
        return;
      }
      if (s.side[side] == BattleSession.Side.STREAMING) {
        client.sendEvent("failed", json("this reply is already streaming"));
        client.close();
        return;
      }
      try {
        arena.backendLimiter.acquire(s.models[side], arena.config.backendRequestsPerMinute());
      } catch (ApiError busy) {
        // the side stays IDLE, so the same stream can be asked for again; the message names no model
        client.sendEvent("failed", json(busy.getMessage()));
        client.close();
        return;
      }
      s.side[side] = BattleSession.Side.STREAMING;
      history = new ArrayList<>(s.conv.get(side));
    }
    ChatBackend backend = arena.backends.get(s.models[side]);
    try {
      String reply = backend.stream(history, piece -> {
        if (!client.terminated()) client.sendEvent("delta", json(piece));
      });
      synchronized (s) {
        s.conv.get(side).add(new ChatBackend.Message("assistant", reply));
        s.side[side] = BattleSession.Side.DONE;
      }
      if (!client.terminated()) client.sendEvent("done", json("ok"));
    } catch (Exception e) {
      LOG.warn("battle {} side {}: backend {} failed: {}", s.id, side == 0 ? "a" : "b", s.models[side], e.getMessage());
      synchronized (s) {
        s.conv.get(side).add(new ChatBackend.Message("assistant", ERROR_REPLY));
        s.side[side] = BattleSession.Side.ERROR;
      }
      if (!client.terminated()) {
        client.sendEvent("delta", json(ERROR_REPLY));
        client.sendEvent("failed", json(REPLY_FAILED));
      }
    }
    client.close();
  }

  /** Drops the last reply on both sides so that the same models answer again. */
  static void regenerate(Context ctx) {
    Arena arena = Requests.arena(ctx);
    BattleSession s = arena.session(ctx.pathParam("id"));
    synchronized (s) {
      if (s.voted) throw new ApiError(409, "this battle was voted on; start a new round");
      if (s.turns == 0 || !finished(s)) throw new ApiError(409, "nothing to regenerate until both replies have finished");
      if (s.regenerations >= arena.config.regenerationsPerBattle()) {
        throw new ApiError(400, "regeneration limit of " + arena.config.regenerationsPerBattle() + " per battle reached; start a new round");
      }
      s.regenerations++;
      for (int side = 0; side < 2; side++) {
        List<ChatBackend.Message> c = s.conv.get(side);
        c.remove(c.size() - 1);
        s.side[side] = BattleSession.Side.IDLE;
      }
    }
    ctx.json(Map.of("turn", s.turns));
  }

  /**
   * {@code {"type": "leftvote" | "rightvote" | "tievote" | "bothbad_vote"}}. The vote is written to
   * the store (committed) before the reply; the reply reveals both models.
   */
  static void vote(Context ctx) throws Exception {
    Arena arena = Requests.arena(ctx);
    BattleSession s = arena.session(ctx.pathParam("id"));
    String type = Requests.string(Requests.body(ctx), "type", true);
    try {
      VoteRecord.winnerOf(type);
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
    synchronized (s) {
      if (s.voted) throw new ApiError(409, "this battle was already voted on");
      if (s.turns == 0 || !finished(s)) throw new ApiError(409, "votes open only after both replies have finished");
      double now = System.currentTimeMillis() / 1000.0;
      String line = Arena.JSON.writeValueAsString(s.voteLog(Arena.JSON, type, now));
      arena.storeVote(new VoteRecord(s.id + "-" + s.turns, now, type, s.models[0], s.models[1], s.anony, s.judge, s.turns, line));
      s.voted = true;
    }
    arena.markVoted(s);
    ctx.json(Map.of("model_a", s.models[0], "model_b", s.models[1], "stored", true));
  }

  static String json(String s) {
    try {
      return Arena.JSON.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
