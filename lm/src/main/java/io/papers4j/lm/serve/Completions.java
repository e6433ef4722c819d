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
 * {@code POST /v1/completions}, the legacy OpenAI completions API as vLLM serves it.
 *
 * <p>{@code prompt} is a string, a list of strings, a list of token ids or a list of such lists;
 * each prompt gets {@code n} choices, choice {@code p·n + j} for prompt p. Fields: {@code
 * max_tokens} (default 16, 0 allowed: only the prompt is scored), {@code temperature} (default 1,
 * 0 = greedy), {@code top_p}, {@code stop} (string or ≤ 4 strings, cut before), {@code n}, {@code
 * seed} (choice i draws with seed + i), {@code stream} (+ {@code stream_options.include_usage}),
 * {@code echo} (the prompt is prepended to the text), {@code logprobs: N} (0 … 20) and vLLM's
 * {@code ignore_eos} (generate max_tokens even past an end-of-sequence id; for benchmarks).
 *
 * <p>{@code logprobs} is the legacy object: {@code tokens} (each token decoded on its own), {@code
 * token_logprobs} (natural log under softmax of the raw logits; {@code null} for the first prompt
 * token, which has no context), {@code top_logprobs} (per token a map of the N most likely tokens
 * plus the chosen one; {@code null} for the first prompt token) and {@code text_offset} (character
 * offset of each token in prompt + completion: token strings' lengths summed from 0 with {@code
 * echo}, from the prompt's length without it). With {@code echo} and {@code max_tokens: 0} this is
 * lm-evaluation-harness's log-likelihood request.
 */
final class Completions {
  private Completions() {}

  static final int MAX_N = 16;
  static final int MAX_LOGPROBS = 20;

  /** A validated request. {@code logprobs} &lt; 0 = none. */
  record Request(List<long[]> prompts, List<String> texts, int maxTokens, double temperature, double topP,
      List<String> stop, int n, long seed, boolean stream, boolean includeUsage, boolean echo, int logprobs,
      boolean ignoreEos) {}

  static Request parse(LmServer s, String body) {
    JsonNode n = LmServer.body(body, s.name);
    if (n.hasNonNull("suffix")) throw new BadRequest("suffix is not supported");
    if (n.hasNonNull("best_of") && n.get("best_of").asInt(1) != 1) throw new BadRequest("best_of other than 1 is not supported");
    List<long[]> prompts = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    JsonNode p = n.get("prompt");
    if (p == null || p.isNull()) throw new BadRequest("'prompt' is required: a string, a list of strings, a list of token ids or a list of such lists");
    if (p.isTextual()) {
      addText(s, p.asText(), prompts, texts);
    } else if (p.isArray() && !p.isEmpty() && p.get(0).isIntegralNumber()) {
      addIds(s, s.tokenIds(p, "prompt"), prompts, texts);
    } else if (p.isArray() && !p.isEmpty()) {
      for (int i = 0; i < p.size(); i++) {
        JsonNode x = p.get(i);
        if (x.isTextual()) addText(s, x.asText(), prompts, texts);
        else if (x.isArray()) addIds(s, s.tokenIds(x, "prompt[" + i + "]"), prompts, texts);
        else throw new BadRequest("prompt[" + i + "] must be a string or an array of token ids");
      }
    } else {
      throw new BadRequest("'prompt' must be a non-empty string, list of strings, list of token ids or list of such lists");
    }
    int maxTokens = LmServer.integer(n, "max_tokens", 16, 0, Integer.MAX_VALUE);
    double temperature = LmServer.number(n, "temperature", 1.0, 0, 2, false);
    double topP = LmServer.number(n, "top_p", 1.0, 0, 1, true);
    int choices = LmServer.integer(n, "n", 1, 1, MAX_N);
    JsonNode lp = n.get("logprobs");
    int logprobs = lp == null || lp.isNull() || (lp.isBoolean() && !lp.asBoolean()) ? -1
        : LmServer.integer(n, "logprobs", 0, 0, MAX_LOGPROBS);
    for (long[] ids : prompts) s.checkFits(ids.length, maxTokens);
    boolean stream = LmServer.bool(n, "stream", false);
    return new Request(prompts, texts, maxTokens, temperature, topP, LmServer.stops(n), choices, LmServer.seed(n),
        stream, stream && LmServer.includeUsage(n), LmServer.bool(n, "echo", false), logprobs,
        LmServer.bool(n, "ignore_eos", false));
  }

  private static void addText(LmServer s, String text, List<long[]> prompts, List<String> texts) {
    int[] ids = s.encode(text);
    if (ids.length == 0) throw new BadRequest("the prompt encodes to no tokens; give at least one token");
    prompts.add(Arrays.stream(ids).asLongStream().toArray());
    texts.add(text);
  }

  private static void addIds(LmServer s, long[] ids, List<long[]> prompts, List<String> texts) {
    if (ids.length == 0) throw new BadRequest("a prompt of token ids must hold at least one id");
    prompts.add(ids);
    texts.add(s.tokenizer.decode(Arrays.stream(ids).mapToInt(x -> (int) x).toArray()));
  }

  static void handle(Context ctx) throws Exception {
    LmServer s = ctx.appData(LmServer.SERVER);
    Request r = parse(s, ctx.body());
    String id = "cmpl-" + UUID.randomUUID();
    long created = System.currentTimeMillis() / 1000;
    BlockingQueue<Event> events = ContinuousBatching.events();
    List<Choice> choices = new ArrayList<>();
    List<ContinuousBatching.Sequence> seqs = new ArrayList<>();
    for (int p = 0; p < r.prompts().size(); p++) {
      for (int j = 0; j < r.n(); j++) {
        int index = p * r.n() + j;
        var seq = ContinuousBatching.sequence(index, r.prompts().get(p), r.maxTokens(),
            new Sampling(r.temperature(), 0, r.topP(), r.seed() + index), r.ignoreEos() ? Set.of() : s.eos, r.logprobs(),
            r.echo() && r.logprobs() >= 0, events);
        seqs.add(seq);
        choices.add(new Choice(index, seq, new StopText(s.tokenizer, r.stop()), r.ignoreEos() ? Set.of() : s.eos));
      }
    }
    s.submit(seqs);
    if (r.stream()) {
      stream(ctx, s, r, id, created, events, choices);
      return;
    }
    try {
      while (!allDone(choices)) {
        Event e = events.take();
        choices.get(e.index()).apply(e);
      }
    } finally {
      for (Choice c : choices) c.seq.cancel(); // frees rows if this thread was interrupted
    }
    List<Map<String, Object>> out = new ArrayList<>();
    int completionTokens = 0;
    for (Choice c : choices) {
      String prompt = r.texts().get(c.index / r.n());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("text", r.echo() ? prompt + c.text.text() : c.text.text());
      m.put("index", c.index);
      m.put("logprobs", r.logprobs() < 0 ? null : logprobs(s, r, c, c.kept(), r.echo(), r.echo() ? 0 : prompt.length()));
      m.put("finish_reason", c.finish);
      out.add(m);
      completionTokens += c.generated.size();
    }
    Map<String, Object> body = head(id, created, s.name);
    body.put("choices", out);
    body.put("usage", LmServer.usage(promptTokens(r), completionTokens));
    ctx.json(body);
  }

  private static void stream(Context ctx, LmServer s, Request r, String id, long created, BlockingQueue<Event> events,
      List<Choice> choices) throws Exception {
    OutputStream os = LmServer.eventStream(ctx);
    int[] offset = new int[choices.size()];
    for (Choice c : choices) offset[c.index] = r.echo() ? 0 : r.texts().get(c.index / r.n()).length();
    try {
      while (!allDone(choices)) {
        Event e = events.take();
        Choice c = choices.get(e.index());
        if (c.done()) continue;
        if (e instanceof ContinuousBatching.PromptScored) {
          c.apply(e);
          continue;
        }
        String piece = c.apply(e);
        if (!c.started) { // the first chunk carries the echoed prompt (and its log-probs)
          c.started = true;
          if (r.echo()) {
            String prompt = r.texts().get(c.index / r.n());
            Map<String, Object> lp = r.logprobs() < 0 ? null : logprobs(s, r, c, List.of(), true, 0);
            if (lp != null) {
              offset[c.index] = 0;
              for (TokenLogprob t : promptEntries(r, c)) offset[c.index] += token(s, t.id()).length();
            }
            LmServer.send(os, chunk(id, created, s.name, c.index, prompt, lp, null));
          }
        }
        List<TokenLogprob> fresh = c.kept().subList(Math.min(c.sent, c.kept().size()), c.kept().size());
        if (piece.isEmpty() && !c.done()) continue;
        Map<String, Object> lp = null;
        if (r.logprobs() >= 0) {
          lp = legacy(s, r, List.of(), fresh, offset[c.index], false);
          for (TokenLogprob t : fresh) offset[c.index] += token(s, t.id()).length();
          c.sent += fresh.size();
        }
        LmServer.send(os, chunk(id, created, s.name, c.index, piece, lp, c.finish));
      }
      if (r.includeUsage()) {
        int completion = 0;
        for (Choice c : choices) completion += c.generated.size();
        Map<String, Object> u = head(id, created, s.name);
        u.put("choices", List.of());
        u.put("usage", LmServer.usage(promptTokens(r), completion));
        LmServer.send(os, u);
      }
      LmServer.done(os);
    } catch (IOException gone) {
      // the client went away: free the rows
    } finally {
      for (Choice c : choices) c.seq.cancel();
    }
  }

  private static Map<String, Object> chunk(String id, long created, String model, int index, String text,
      Map<String, Object> logprobs, String finish) {
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("text", text);
    choice.put("index", index);
    choice.put("logprobs", logprobs);
    choice.put("finish_reason", finish);
    Map<String, Object> c = head(id, created, model);
    c.put("choices", List.of(choice));
    return c;
  }

  private static Map<String, Object> head(String id, long created, String model) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("object", "text_completion");
    m.put("created", created);
    m.put("model", model);
    return m;
  }

  private static boolean allDone(List<Choice> choices) {
    for (Choice c : choices) if (!c.done()) return false;
    return true;
  }

  private static int promptTokens(Request r) {
    int total = 0;
    for (long[] p : r.prompts()) total += p.length;
    return total * r.n();
  }

  /** The legacy log-probs object of a choice: the prompt's tokens (when echoed) then {@code gen}. */
  private static Map<String, Object> logprobs(LmServer s, Request r, Choice c, List<TokenLogprob> gen, boolean echo,
      int offset0) {
    return legacy(s, r, echo ? promptEntries(r, c) : List.of(), gen, offset0, echo);
  }

  /** Prompt tokens as entries; the first has no log-prob (null). */
  private static List<TokenLogprob> promptEntries(Request r, Choice c) {
    long[] prompt = r.prompts().get(c.index / r.n());
    List<TokenLogprob> out = new ArrayList<>();
    out.add(new TokenLogprob(prompt[0], Double.NaN, null, null));
    out.addAll(c.prompt);
    return out;
  }

  private static Map<String, Object> legacy(LmServer s, Request r, List<TokenLogprob> prompt, List<TokenLogprob> gen,
      int offset, boolean firstIsNull) {
    List<String> tokens = new ArrayList<>();
    List<Double> lps = new ArrayList<>();
    List<Map<String, Double>> tops = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>();
    List<TokenLogprob> all = new ArrayList<>(prompt);
    all.addAll(gen);
    for (int i = 0; i < all.size(); i++) {
      TokenLogprob t = all.get(i);
      String str = token(s, t.id());
      tokens.add(str);
      offsets.add(offset);
      offset += str.length();
      if (firstIsNull && i == 0) {
        lps.add(null);
        tops.add(null);
        continue;
      }
      lps.add(t.logprob());
      Map<String, Double> top = new LinkedHashMap<>();
      for (int k = 0; k < t.topIds().length && k < r.logprobs(); k++) top.putIfAbsent(token(s, t.topIds()[k]), t.topLogprobs()[k]);
      top.putIfAbsent(str, t.logprob());
      tops.add(top);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tokens", tokens);
    m.put("token_logprobs", lps);
    m.put("top_logprobs", tops);
    m.put("text_offset", offsets);
    return m;
  }

  static String token(LmServer s, long id) {
    return s.tokenizer.decode(new int[] {(int) id});
  }
}
