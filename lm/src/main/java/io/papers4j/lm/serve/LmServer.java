package io.papers4j.lm.serve;

import io.papers4j.core.tensor.Precision;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.Key;
import io.javalin.http.Context;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.lm.generate.ContinuousBatching;
import io.papers4j.lm.llama.LlamaModel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI-compatible server for one LLaMA-family checkpoint, with the routes of the common
 * serving engines (vLLM, llama.cpp's server, TGI):
 *
 * <ul>
 *   <li>{@code GET /v1/models}, {@code GET /health}
 *   <li>{@code POST /v1/completions} ({@link Completions}): prompts as text or token ids, {@code
 *       echo}, legacy {@code logprobs}, {@code n}, {@code stop}, streaming
 *   <li>{@code POST /v1/chat/completions} ({@link ChatCompletions}): streaming and not, {@code
 *       logprobs}/{@code top_logprobs}
 *   <li>{@code POST /tokenize}, {@code POST /detokenize} (vLLM's shapes)
 * </ul>
 *
 * All requests are decoded together by one {@link ContinuousBatching} scheduler. Errors are
 * {@code {"error": {"message", "type"}}} with a 4xx status (429 with {@code Retry-After} when the
 * queue is full).
 */
public final class LmServer {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Key<LmServer> SERVER = new Key<>("lm-server");

  final String name;
  final LlamaModel model;
  final BpeTokenizer tokenizer;
  final ChatTemplate.Style style;
  final ContinuousBatching.Options options;
  final Set<Long> eos = new HashSet<>();
  private ContinuousBatching batching;
  private Precision precision = Precision.F32;

  public LmServer(String name, LlamaModel model, BpeTokenizer tokenizer) {
    this(name, model, tokenizer, ChatTemplate.Style.PLAIN);
  }

  /** A server whose chats are formatted in {@code style} (plain User:/Assistant: or [INST]). */
  public LmServer(String name, LlamaModel model, BpeTokenizer tokenizer, ChatTemplate.Style style) {
    this(name, model, tokenizer, style, defaults(model));
  }

  /** A server with explicit batching options (rows, context per row, queue bound, pre-fill chunk). */
  public LmServer(String name, LlamaModel model, BpeTokenizer tokenizer, ChatTemplate.Style style,
      ContinuousBatching.Options options) {
    this.name = name;
    this.model = model;
    this.tokenizer = tokenizer;
    this.style = style;
    this.options = options;
    for (int e : model.config().eosTokenId()) eos.add((long) e);
  }

  /**
   * Default batching: context min(model's, 2048) per row; as many rows (at most 32) as fit a 1 GiB
   * float32 KV cache, at least one; 256 queued sequences; pre-fill chunks of 64 tokens.
   */
  public static ContinuousBatching.Options defaults(LlamaModel model) {
    var c = model.config();
    int seq = Math.min(c.maxPositionEmbeddings(), 2048);
    long perRow = 2L * c.numHiddenLayers() * c.numKeyValueHeads() * c.headDim() * seq * 4;
    int rows = (int) Math.max(1, Math.min(32, (1L << 30) / perRow));
    return new ContinuousBatching.Options(rows, seq, 256, 64);
  }

  /**
   * Compute precision of the model calls (default f32); bf16 decodes under CPU autocast in the
   * scheduler's thread. Set before {@link #create}.
   */
  public synchronized LmServer precision(Precision p) {
    if (batching != null) throw new IllegalStateException("set the precision before create()");
    this.precision = p;
    return this;
  }

  /** The scheduler (started by {@link #create}). */
  public ContinuousBatching batching() {
    return batching;
  }

  /** The Javalin app with every route declared here (not started); stopping it stops the scheduler. */
  public synchronized Javalin create() {
    if (batching == null) batching = new ContinuousBatching(model, options, precision);
    ContinuousBatching b = batching;
    Javalin app = Javalin.create(c -> {
      c.showJavalinBanner = false;
      c.appData(SERVER, this);
      c.jetty.modifyServer(s -> s.setStopTimeout(0));
      c.events(e -> e.serverStopped(() -> stopped(b)));
    });
    app.get("/v1/models", LmServer::models);
    app.get("/health", ctx -> ctx.status(200));
    app.post("/v1/completions", Completions::handle);
    app.post("/v1/chat/completions", ChatCompletions::handle);
    app.post("/tokenize", LmServer::tokenize);
    app.post("/detokenize", LmServer::detokenize);
    app.exception(BadRequest.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
    app.exception(ContinuousBatching.QueueFull.class, (e, ctx) -> {
      ctx.header("Retry-After", "1");
      error(ctx, 429, e.getMessage());
    });
    app.exception(Exception.class, (e, ctx) -> error(ctx, 500, e.getClass().getSimpleName() + ": " + e.getMessage()));
    app.error(404, ctx -> {
      String t = ctx.res().getContentType();
      if (t == null || !t.startsWith("application/json")) error(ctx, 404, "no such route: " + ctx.method() + " " + ctx.path());
    });
    return app;
  }

  private synchronized void stopped(ContinuousBatching b) {
    b.close();
    if (batching == b) batching = null;
  }

  static final class BadRequest extends RuntimeException {
    BadRequest(String m) {
      super(m);
    }
  }

  static void error(Context ctx, int status, String message) {
    String type = status == 429 ? "rate_limit_error" : status < 500 ? "invalid_request_error" : "server_error";
    ctx.status(status).json(Map.of("error", Map.of("message", message, "type", type)));
  }

  static void models(Context ctx) {
    LmServer s = ctx.appData(SERVER);
    ctx.json(Map.of("object", "list", "data",
        List.of(Map.of("id", s.name, "object", "model", "created", 0, "owned_by", "papers4j",
            "max_model_len", s.contextLimit()))));
  }

  /** Prompt plus generated tokens one sequence may hold. */
  int contextLimit() {
    return Math.min(model.config().maxPositionEmbeddings(), options.maxSeq());
  }

  /** vLLM's {@code /tokenize}: {"prompt": text} or {"messages": [...]} → {"count", "max_model_len", "tokens"}. */
  static void tokenize(Context ctx) {
    LmServer s = ctx.appData(SERVER);
    JsonNode n = body(ctx.body(), s.name);
    String text;
    if (n.has("messages")) text = ChatTemplate.prompt(s.style, ChatCompletions.messages(n.get("messages")));
    else if (n.path("prompt").isTextual()) text = n.get("prompt").asText();
    else throw new BadRequest("'prompt' must be a string (or give 'messages')");
    int[] ids = s.encode(text);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", ids.length);
    out.put("max_model_len", s.contextLimit());
    out.put("tokens", ids);
    ctx.json(out);
  }

  /** vLLM's {@code /detokenize}: {"tokens": [ids]} → {"prompt": text}. */
  static void detokenize(Context ctx) {
    LmServer s = ctx.appData(SERVER);
    JsonNode n = body(ctx.body(), s.name);
    long[] ids = s.tokenIds(n.get("tokens"), "tokens");
    ctx.json(Map.of("prompt", s.tokenizer.decode(Arrays.stream(ids).mapToInt(x -> (int) x).toArray())));
  }

  // ---- shared by the handlers ----

  /** The request body as a JSON object, with a matching {@code model} if one is named. */
  static JsonNode body(String body, String served) {
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
    return n;
  }

  int[] encode(String text) {
    try {
      return tokenizer.encode(text);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(e.getMessage());
    }
  }

  /** A JSON array of token ids in the vocabulary. */
  long[] tokenIds(JsonNode a, String field) {
    if (a == null || !a.isArray()) throw new BadRequest("'" + field + "' must be an array of token ids");
    long[] ids = new long[a.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode x = a.get(i);
      if (!x.isIntegralNumber()) throw new BadRequest(field + "[" + i + "] must be an integer token id, got " + x);
      ids[i] = x.asLong();
      if (ids[i] < 0 || ids[i] >= model.config().vocabSize()) {
        throw new BadRequest(field + "[" + i + "] = " + ids[i] + " is outside the vocabulary [0, " + model.config().vocabSize() + ")");
      }
    }
    return ids;
  }

  static double number(JsonNode n, String field, double dflt, double lo, double hi, boolean openLo) {
    JsonNode x = n.get(field);
    if (x == null || x.isNull()) return dflt;
    if (!x.isNumber()) throw new BadRequest(field + " must be a number, got " + x);
    double v = x.asDouble();
    if (openLo ? !(v > lo && v <= hi) : !(v >= lo && v <= hi)) {
      throw new BadRequest(field + " must be in " + (openLo ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + "], got " + x);
    }
    return v;
  }

  static int integer(JsonNode n, String field, int dflt, int lo, int hi) {
    JsonNode x = n.get(field);
    if (x == null || x.isNull()) return dflt;
    if (!x.isIntegralNumber() && !(x.isNumber() && x.asDouble() == Math.rint(x.asDouble()))) {
      throw new BadRequest(field + " must be an integer, got " + x);
    }
    long v = x.asLong();
    if (v < lo || v > hi) throw new BadRequest(field + " must be in [" + lo + ", " + hi + "], got " + x);
    return (int) v;
  }

  static boolean bool(JsonNode n, String field, boolean dflt) {
    JsonNode x = n.get(field);
    if (x == null || x.isNull()) return dflt;
    if (!x.isBoolean()) throw new BadRequest(field + " must be true or false, got " + x);
    return x.asBoolean();
  }

  /** {@code stop}: a string or up to 4 non-empty strings. */
  static List<String> stops(JsonNode n) {
    JsonNode x = n.get("stop");
    List<String> out = new ArrayList<>();
    if (x == null || x.isNull()) return out;
    if (x.isTextual()) {
      if (!x.asText().isEmpty()) out.add(x.asText());
      return out;
    }
    if (!x.isArray() || x.size() > 4) throw new BadRequest("stop must be a string or an array of at most 4 strings");
    for (JsonNode s : x) {
      if (!s.isTextual()) throw new BadRequest("stop must be a string or an array of at most 4 strings");
      if (!s.asText().isEmpty()) out.add(s.asText());
    }
    return out;
  }

  /** {@code seed} or a fresh one. */
  static long seed(JsonNode n) {
    JsonNode x = n.get("seed");
    if (x == null || x.isNull()) return System.nanoTime();
    if (!x.isIntegralNumber()) throw new BadRequest("seed must be an integer, got " + x);
    return x.asLong();
  }

  /** {@code stream_options.include_usage}. */
  static boolean includeUsage(JsonNode n) {
    JsonNode o = n.get("stream_options");
    if (o == null || o.isNull()) return false;
    if (!o.isObject()) throw new BadRequest("stream_options must be an object");
    return bool(o, "include_usage", false);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  static Map<String, Object> usage(int prompt, int completion) {
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("prompt_tokens", prompt);
    u.put("completion_tokens", completion);
    u.put("total_tokens", prompt + completion);
    return u;
  }

  /** Starts a server-sent-event response. */
  static OutputStream eventStream(Context ctx) throws IOException {
    ctx.contentType("text/event-stream");
    ctx.header("Cache-Control", "no-cache");
    return ctx.res().getOutputStream();
  }

  static void send(OutputStream os, Map<String, Object> event) throws IOException {
    os.write(("data: " + JSON.writeValueAsString(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
    os.flush();
  }

  static void done(OutputStream os) throws IOException {
    os.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    os.flush();
  }

  /** A 400 unless a prompt of {@code promptTokens} plus {@code maxTokens} fits one sequence's context. */
  void checkFits(int promptTokens, int maxTokens) {
    int limit = contextLimit();
    if (promptTokens + (long) maxTokens > limit) {
      String whose = limit == model.config().maxPositionEmbeddings() ? "model's" : "server's";
      throw new BadRequest("prompt (" + promptTokens + " tokens) plus max_tokens (" + maxTokens + ") exceeds the "
          + whose + " context of " + limit + " tokens");
    }
  }

  /** Queues the sequences (all or none); 429 when the queue is full. */
  void submit(List<ContinuousBatching.Sequence> seqs) {
    try {
      batching.submit(seqs);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(e.getMessage());
    }
  }
}
