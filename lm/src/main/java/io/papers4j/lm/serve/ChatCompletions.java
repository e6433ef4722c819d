package io.papers4j.lm.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.papers4j.lm.generate.ContinuousBatching;
import io.papers4j.lm.generate.ContinuousBatching.Event;
import io.papers4j.lm.generate.ContinuousBatching.TokenLogprob;
import io.papers4j.lm.generate.Sampling;
import io.papers4j.lm.serve.LmServer.BadRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;

/**
 * {@code POST /v1/chat/completions}: the messages go through the server's {@link ChatTemplate};
 * the reply is cut at the template's turn end and at any {@code stop} string. Non-streaming gives
 * a {@code chat.completion}; {@code "stream": true} gives {@code chat.completion.chunk} events
 * ending with {@code data: [DONE]}. {@code logprobs: true} (with {@code top_logprobs} 0 … 20) adds
 * the current API's {@code choices[].logprobs.content}: per token {@code token}, {@code logprob},
 * {@code bytes} and {@code top_logprobs} (a list of the same three fields, most likely first).
 */
final class ChatCompletions {
  private ChatCompletions() {}

  /** Longest reply a request may ask for. */
  static final int MAX_TOKENS_LIMIT = 4096;

  /** The request's fields, validated; {@code topLogprobs} &lt; 0 = no log-probs. */
  record Request(List<ChatTemplate.Message> messages, boolean stream, boolean includeUsage, Sampling sampling,
      int maxTokens, List<String> stop, int topLogprobs) {}

  static List<ChatTemplate.Message> messages(JsonNode ms) {
    if (ms == null || !ms.isArray() || ms.isEmpty()) throw new BadRequest("'messages' must be a non-empty array");
    List<ChatTemplate.Message> messages = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      JsonNode m = ms.get(i);
      if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
        throw new BadRequest("messages[" + i + "] needs string fields 'role' and 'content'");
      }
      String role = m.get("role").asText();
      if (!Set.of("system", "user", "assistant").contains(role)) {
        throw new BadRequest("messages[" + i + "].role must be system, user or assistant; got " + role);
      }
      messages.add(new ChatTemplate.Message(role, m.get("content").asText()));
    }
    return messages;
  }

  static Request parse(String body, String served) {
    JsonNode n = LmServer.body(body, served);
    List<ChatTemplate.Message> messages = messages(n.get("messages"));
    double temperature = LmServer.number(n, "temperature", 0.7, 0, 2, false);
    double topP = LmServer.number(n, "top_p", 1.0, 0, 1, true);
    String maxField = n.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    int maxTokens = LmServer.integer(n, maxField, 256, 1, MAX_TOKENS_LIMIT);
    if (LmServer.integer(n, "n", 1, 1, Integer.MAX_VALUE) != 1) throw new BadRequest("n must be 1 for chat completions (use /v1/completions for several choices)");
    boolean logprobs = LmServer.bool(n, "logprobs", false);
    int top = LmServer.integer(n, "top_logprobs", -1, 0, Completions.MAX_LOGPROBS);
    if (top >= 0 && !logprobs) throw new BadRequest("top_logprobs needs logprobs: true");
    boolean stream = LmServer.bool(n, "stream", false);
    return new Request(messages, stream, stream && LmServer.includeUsage(n),
        new Sampling(temperature, 0, topP, LmServer.seed(n)), maxTokens, LmServer.stops(n),
        logprobs ? Math.max(top, 0) : -1);
  }

  static void handle(Context ctx) throws Exception {
    LmServer s = ctx.appData(LmServer.SERVER);
    Request req = parse(ctx.body(), s.name);
    String text;
    try {
      text = ChatTemplate.prompt(s.style, req.messages());
    } catch (IllegalArgumentException e) {
      throw new BadRequest(e.getMessage());
    }
    long[] prompt = Arrays.stream(s.encode(text)).asLongStream().toArray();
    if (prompt.length == 0) throw new BadRequest("the conversation encodes to no tokens");
    s.checkFits(prompt.length, req.maxTokens());
    List<String> stops = new ArrayList<>();
    stops.add(s.style.turnEnd());
    stops.addAll(req.stop());
    BlockingQueue<Event> events = ContinuousBatching.events();
    var seq = ContinuousBatching.sequence(0, prompt, req.maxTokens(), req.sampling(), s.eos, req.topLogprobs(), false, events);
    Choice c = new Choice(0, seq, new StopText(s.tokenizer, stops), s.eos);
    s.submit(List.of(seq));
    String id = "chatcmpl-" + UUID.randomUUID();
    long created = System.currentTimeMillis() / 1000;
    if (!req.stream()) {
      try {
        while (!c.done()) c.apply(events.take());
      } finally {
        seq.cancel();
      }
      Map<String, Object> choice = new LinkedHashMap<>();
      choice.put("index", 0);
      choice.put("message", Map.of("role", "assistant", "content", c.text.text()));
      if (req.topLogprobs() >= 0) choice.put("logprobs", Map.of("content", content(s, c.kept(), req.topLogprobs())));
      choice.put("finish_reason", c.finish);
      Map<String, Object> out = head(id, created, s.name, "chat.completion");
      out.put("choices", List.of(choice));
      out.put("usage", LmServer.usage(prompt.length, c.generated.size()));
      ctx.json(out);
      return;
    }
    OutputStream os = LmServer.eventStream(ctx);
    try {
      while (!c.done()) {
        String piece = c.apply(events.take());
        boolean unsent = req.topLogprobs() >= 0 && c.done() && c.sent < c.kept().size();
        if (piece.isEmpty() && !unsent) continue; // a last empty piece still carries unsent log-probs
        List<TokenLogprob> fresh = c.kept().subList(Math.min(c.sent, c.kept().size()), c.kept().size());
        c.sent += fresh.size();
        LmServer.send(os, chunk(id, created, s.name, Map.of("content", piece), null,
            req.topLogprobs() < 0 ? null : content(s, fresh, req.topLogprobs())));
      }
      LmServer.send(os, chunk(id, created, s.name, Map.of(), c.finish, null));
      if (req.includeUsage()) {
        Map<String, Object> u = head(id, created, s.name, "chat.completion.chunk");
        u.put("choices", List.of());
        u.put("usage", LmServer.usage(prompt.length, c.generated.size()));
        LmServer.send(os, u);
      }
      LmServer.done(os);
    } catch (IOException gone) {
      // the client went away: the finally block frees the row
    } finally {
      seq.cancel();
    }
  }

  /** The current API's {@code logprobs.content}: one entry per token with its top alternatives. */
  static List<Map<String, Object>> content(LmServer s, List<TokenLogprob> tokens, int top) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (TokenLogprob t : tokens) {
      Map<String, Object> e = entry(s, t.id(), t.logprob());
      List<Map<String, Object>> alts = new ArrayList<>();
      for (int k = 0; k < Math.min(top, t.topIds().length); k++) alts.add(entry(s, t.topIds()[k], t.topLogprobs()[k]));
      e.put("top_logprobs", alts);
      out.add(e);
    }
    return out;
  }

  private static Map<String, Object> entry(LmServer s, long id, double logprob) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("token", Completions.token(s, id));
    e.put("logprob", logprob);
    byte[] b = s.tokenizer.decodeBytes(new int[] {(int) id});
    int[] bytes = new int[b.length];
    for (int i = 0; i < b.length; i++) bytes[i] = b[i] & 0xff;
    e.put("bytes", bytes);
    return e;
  }

  private static Map<String, Object> chunk(String id, long created, String model, Map<String, Object> delta,
      String finish, List<Map<String, Object>> logprobs) {
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("delta", delta);
    if (logprobs != null) choice.put("logprobs", Map.of("content", logprobs));
    choice.put("finish_reason", finish);
    Map<String, Object> c = head(id, created, model, "chat.completion.chunk");
    c.put("choices", List.of(choice));
    return c;
  }

  private static Map<String, Object> head(String id, long created, String model, String object) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("object", object);
    m.put("created", created);
    m.put("model", model);
    return m;
  }
}
