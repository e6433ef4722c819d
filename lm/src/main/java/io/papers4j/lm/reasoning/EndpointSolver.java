package io.papers4j.lm.reasoning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples solutions from any OpenAI-compatible chat endpoint ({@code POST <url>/v1/chat/completions}),
 * so a user's own model is scored with the same grader. The prompt asks for the GSM8K format; the
 * calculator cannot run inside a remote model's decoding, so annotations are left as the model
 * writes them.
 */
public final class EndpointSolver {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String INSTRUCTION =
      "Solve the problem step by step. End with a final line of the form '#### <number>'.\n\n";

  private final URI uri;
  private final String model;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public EndpointSolver(String baseUrl, String model) {
    String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    if (!b.endsWith("/v1")) b = b + "/v1";
    try {
      this.uri = URI.create(b + "/chat/completions");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--endpoint is not a URL: " + baseUrl);
    }
    if (uri.getScheme() == null || !uri.getScheme().startsWith("http"))
      throw new IllegalArgumentException("--endpoint must be an http(s) URL, got " + baseUrl);
    this.model = model;
  }

  /** {@code k} replies to {@code question} at {@code temperature} (seeds seed, seed+1, ...). */
  public List<String> sample(String question, int k, double temperature, int maxTokens, long seed) {
    List<String> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("model", model);
      body.put("messages", List.of(Map.of("role", "user", "content", INSTRUCTION + question)));
      body.put("temperature", temperature);
      body.put("max_tokens", maxTokens);
      body.put("seed", seed + i);
      try {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200)
          throw new IllegalStateException("endpoint " + uri + " answered HTTP " + r.statusCode() + ": " + abbreviate(r.body()));
        JsonNode j = JSON.readTree(r.body());
        JsonNode content = j.path("choices").path(0).path("message").path("content");
        if (content.isMissingNode()) throw new IllegalStateException("endpoint reply has no choices[0].message.content: " + abbreviate(r.body()));
        out.add(content.asText());
      } catch (IOException e) {
        throw new IllegalStateException("cannot reach endpoint " + uri + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  /** maj@1 (one reply at temperature 0), maj@K and pass@K over {@code problems}. */
  public Evaluation.Scores evaluate(List<Problem> problems, int k, double temperature, int maxTokens, long seed) {
    double maj1 = 0, majK = 0, passK = 0, pass1 = 0;
    for (int i = 0; i < problems.size(); i++) {
      Problem p = problems.get(i);
      if (p.isCorrect(sample(p.question(), 1, 0.0, maxTokens, seed).get(0))) maj1++;
      List<String> texts = sample(p.question(), k, temperature, maxTokens, seed + 1000L * i);
      List<String> answers = new ArrayList<>();
      int c = 0;
      for (String t : texts) {
        answers.add(Gsm8kGrader.answerKey(t));
        if (p.isCorrect(t)) c++;
      }
      String vote = SampleMetrics.majority(answers);
      if (vote != null && p.isCorrect(Gsm8kGrader.MARKER + " " + vote)) majK++;
      passK += SampleMetrics.passAtK(k, c, k);
      pass1 += SampleMetrics.passAtK(k, c, 1);
    }
    int n = problems.size();
    return new Evaluation.Scores(n, k, temperature, maj1 / n, majK / n, Double.NaN, passK / n, pass1 / n, Double.NaN);
  }
}
