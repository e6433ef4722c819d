package io.papers4j.multimodal.infimm;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.papers4j.core.tensor.Precision;
import io.papers4j.multimodal.vlm.ChatRequest;
import io.papers4j.multimodal.vlm.Images;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An OpenAI-compatible chat endpoint for an InfiMM-HD model: {@code POST /v1/chat/completions} with
 * {@code image_url} parts (data: URLs) and {@code GET /v1/models}. The last user message must carry
 * exactly one image; its text is the question. Answers are greedy, with the model's forward passes
 * in the server's {@link Precision} (bf16 = CPU autocast, opened per request on the handling thread).
 */
public final class InfimmServer {
  private final String name;
  private final InfimmModel model;
  private final InfimmModel.Resolution resolution;
  private final Precision precision;

  public InfimmServer(String name, InfimmModel model, InfimmModel.Resolution resolution) {
    this(name, model, resolution, Precision.F32);
  }

  public InfimmServer(String name, InfimmModel model, InfimmModel.Resolution resolution, Precision precision) {
    this.name = name;
    this.model = model;
    this.resolution = resolution;
    this.precision = precision;
  }

  public Javalin create() {
    Javalin app = Javalin.create(c -> {
      c.showJavalinBanner = false;
      c.jetty.modifyServer(s -> s.setStopTimeout(0));
    });
    app.get("/v1/models", ctx -> ctx.json(Map.of("object", "list", "data",
        List.of(Map.of("id", name, "object", "model", "created", 0, "owned_by", "papers4j")))));
    app.post("/v1/chat/completions", this::chat);
    app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
    app.exception(Exception.class, (e, ctx) -> error(ctx, 500, e.getClass().getSimpleName() + ": " + e.getMessage()));
    return app;
  }

  private static void error(Context ctx, int status, String message) {
    ctx.status(status).json(Map.of("error", Map.of("message", message, "type", status < 500 ? "invalid_request_error" : "server_error")));
  }

  /** The answer to a parsed request (the last user message: one image and its question). */
  public String reply(ChatRequest req) {
    ChatRequest.Message last = null;
    for (ChatRequest.Message m : req.messages()) if (m.role().equals("user")) last = m;
    if (last == null) throw new IllegalArgumentException("the conversation has no user message");
    if (last.images().size() != 1) {
      throw new IllegalArgumentException("the last user message must contain exactly one image_url part (an <image>), found " + last.images().size());
    }
    String question = last.text().replace(ChatRequest.IMAGE_MARKER, "").trim();
    if (question.isEmpty()) throw new IllegalArgumentException("the last user message has an image but no question text");
    try (Precision.Region cast = precision.autocast()) { // autocast is thread-local: opened on the thread that answers
      return model.answer(Images.toTensor(last.images().get(0)), question, resolution, Math.min(req.maxTokens(), 32));
    }
  }

  private void chat(Context ctx) {
    ChatRequest req = ChatRequest.parse(ctx.body());
    String text = reply(req);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", "chatcmpl-" + UUID.randomUUID());
    out.put("object", "chat.completion");
    out.put("created", System.currentTimeMillis() / 1000);
    out.put("model", name);
    out.put("choices", List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", text), "finish_reason", "stop")));
    ctx.json(out);
  }
}
