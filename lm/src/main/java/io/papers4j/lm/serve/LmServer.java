package io.papers4j.lm.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.Key;
import io.javalin.http.Context;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.lm.generate.Generation;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.generate.Sampling;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An OpenAI-compatible server for one LLaMA-family checkpoint: {@code GET /v1/models} and {@code
 * POST /v1/chat/completions} (non-streaming, or {@code "stream": true} for server-sent
 * {@code chat.completion.chunk} events ending with {@code data: [DONE]}). Requests are served one at
 * a time (one model, one native cache). Errors are {@code {"error": {"message", "type"}}} with 4xx.
 */
public final class LmServer {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Key<LmServer> SERVER = new Key<>("lm-server");

  /** Longest reply a request may ask for. */
  static final int MAX_TOKENS_LIMIT = 4096;

  final String name;
  final LlamaModel model;
  final BpeTokenizer tokenizer;
  final ChatTemplate.Style style;
  private final Set<Long> eos = new HashSet<>();

  public LmServer(String name, LlamaModel model, BpeTokenizer tokenizer) {
    this(name, model, tokenizer, ChatTemplate.Style.PLAIN);
  }

  /** A server whose chats are formatted in {@code style} (plain User:/Assistant: or [INST]). */
  public LmServer(String name, LlamaModel model, BpeTokenizer tokenizer, ChatTemplate.Style style) {
    this.name = name;
    this.model = model;
    this.tokenizer = tokenizer;
    this.style = style;
    for (int e : model.config().eosTokenId()) eos.add((long) e);
  }

  /** The Javalin app with every route declared here (not started). */
  public Javalin create() {
    Javalin app = Javalin.create(c -> {
      c.showJavalinBanner = false;
      c.appData(SERVER, this);
      c.jetty.modifyServer(s -> s.setStopTimeout(0));
    });
    app.get("/v1/models", LmServer::models);
    app.post("/v1/chat/completions", LmServer::chat);
    app.exception(BadRequest.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
    app.exception(Exception.class, (e, ctx) -> error(ctx, 500, e.getClass().getSimpleName() + ": " + e.getMessage()));
    app.error(404, ctx -> {
      String t = ctx.res().getContentType();
      if (t == null || !t.startsWith("application/json")) error(ctx, 404, "no such route: " + ctx.method() + " " + ctx.path());
    });
    return app;
  }

  static final class BadRequest extends RuntimeException {
    BadRequest(String m) {
      super(m);
    }
  }

  private static void error(Context ctx, int status, String message) {
    ctx.status(status).json(Map.of("error", Map.of("message", message, "type", status < 500 ? "invalid_request_error" : "server_error")));
  }

  static void models(Context ctx) {
    LmServer s = ctx.appData(SERVER);
    ctx.json(Map.of("object", "list", "data",
        List.of(Map.of("id", s.name, "object", "model", "created", 0, "owned_by", "papers4j"))));
  }

  /** The request's fields, validated. */
  record Request(List<ChatTemplate.Message> messages, boolean stream, Sampling sampling, int maxTokens) {}

  static Request parse(String body, String served) {
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (Exception e) {
      throw new BadRequest("request body is not valid JSON");
    }
    if (n == null || !n.isObject()) throw new BadRequest("request body must be a JSON object");
    if (n.hasNonNull("model") && !n.get("model").asText().equals(served)) {
      throw new BadRequest("unknown model id: " + n.get("model").asText() + " (this server has " + served + ")");
    }
    JsonNode ms = n.get("messages");
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
    double temperature = n.path("temperature").asDouble(0.7);
    double topP = n.path("top_p").asDouble(1.0);
    int maxTokens = n.path("max_tokens").asInt(256);
    if (temperature < 0 || temperature > 2) throw new BadRequest("temperature must be in [0, 2]");
    if (!(topP > 0 && topP <= 1)) throw new BadRequest("top_p must be in (0, 1]");
    if (maxTokens < 1 || maxTokens > MAX_TOKENS_LIMIT) throw new BadRequest("max_tokens must be in [1, " + MAX_TOKENS_LIMIT + "]");
    long seed = n.hasNonNull("seed") ? n.get("seed").asLong() : System.nanoTime();
    return new Request(messages, n.path("stream").asBoolean(false), new Sampling(temperature, 0, topP, seed), maxTokens);
  }

  static void chat(Context ctx) throws Exception {
    LmServer s = ctx.appData(SERVER);
    Request req = parse(ctx.body(), s.name);
    String id = "chatcmpl-" + UUID.randomUUID();
    long created = System.currentTimeMillis() / 1000;
    if (!req.stream()) {
      Reply r = s.generate(req, piece -> {});
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("id", id);
      out.put("object", "chat.completion");
      out.put("created", created);
      out.put("model", s.name);
      out.put("choices", List.of(Map.of("index", 0,
          "message", Map.of("role", "assistant", "content", r.text()), "finish_reason", r.finish())));
      out.put("usage", Map.of("prompt_tokens", r.promptTokens(), "completion_tokens", r.completionTokens(),
          "total_tokens", r.promptTokens() + r.completionTokens()));
      ctx.json(out);
      return;
    }
    ctx.contentType("text/event-stream");
    ctx.header("Cache-Control", "no-cache");
    OutputStream os = ctx.res().getOutputStream();
    Reply r = s.generate(req, piece -> {
      try {
        send(os, chunk(id, created, s.name, Map.of("content", piece), null));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e); // the client went away: stop generating
      }
    });
    send(os, chunk(id, created, s.name, Map.of(), r.finish()));
    os.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    os.flush();
  }

  private static Map<String, Object> chunk(String id, long created, String model, Map<String, Object> delta, String finish) {
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("delta", delta);
    choice.put("finish_reason", finish);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("id", id);
    c.put("object", "chat.completion.chunk");
    c.put("created", created);
    c.put("model", model);
    c.put("choices", List.of(choice));
    return c;
  }

  private static void send(OutputStream os, Map<String, Object> event) throws java.io.IOException {
    os.write(("data: " + JSON.writeValueAsString(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
    os.flush();
  }

  /** A finished reply. finish is "stop" (end token or next user turn) or "length". */
  record Reply(String text, String finish, int promptTokens, int completionTokens) {}

  /**
   * Generates the reply, calling {@code onText} with each new piece of decoded text. Text is
   * released only up to the last complete character, and held back while it could still be the
   * start of the template's turn end ({@link ChatTemplate#TURN_END} for plain, a newline for inst).
   */
  synchronized Reply generate(Request req, java.util.function.Consumer<String> onText) {
    int[] enc;
    try {
      enc = tokenizer.encode(ChatTemplate.prompt(style, req.messages()));
    } catch (IllegalArgumentException e) {
      throw new BadRequest(e.getMessage());
    }
    String turnEnd = style.turnEnd();
    long ctxLen = model.config().maxPositionEmbeddings();
    if (enc.length + req.maxTokens() > ctxLen) {
      throw new BadRequest("prompt (" + enc.length + " tokens) plus max_tokens (" + req.maxTokens()
          + ") exceeds the model's context of " + ctxLen + " tokens");
    }
    long[] prompt = Arrays.stream(enc).asLongStream().toArray();
    List<Integer> ids = new ArrayList<>();
    int[] emitted = {0};
    boolean[] cut = {false};
    class Stop extends RuntimeException {}
    try {
      Generation.generate(model, prompt, req.maxTokens(), req.sampling(), eos, true, (token, logits) -> {
        if (eos.contains(token)) return;
        ids.add((int) token);
        String text = tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray());
        int end = text.indexOf(turnEnd);
        if (end >= 0) {
          if (end > emitted[0]) onText.accept(text.substring(emitted[0], end));
          emitted[0] = end;
          cut[0] = true;
          throw new Stop();
        }
        int safe = text.length();
        if (safe > 0 && text.charAt(safe - 1) == '\uFFFD') safe--; // incomplete UTF-8 sequence
        for (int k = Math.min(turnEnd.length() - 1, safe); k > 0; k--) {
          if (turnEnd.startsWith(text.substring(safe - k, safe))) {
            safe -= k;
            break;
          }
        }
        if (safe > emitted[0]) {
          onText.accept(text.substring(emitted[0], safe));
          emitted[0] = safe;
        }
      });
    } catch (Stop s) {
      // the model began the next user turn
    }
    String text = tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray());
    if (cut[0]) text = text.substring(0, text.indexOf(turnEnd));
    else if (text.length() > emitted[0]) onText.accept(text.substring(emitted[0]));
    boolean full = !cut[0] && ids.size() >= req.maxTokens();
    return new Reply(text, full ? "length" : "stop", enc.length, ids.size());
  }
}
