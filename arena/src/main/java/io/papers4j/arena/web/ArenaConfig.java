package io.papers4j.arena.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The arena's configuration file (JSON). Example:
 *
 * <pre>{@code
 * {
 *   "models": [
 *     {"name": "tiny-a", "api_base": "http://127.0.0.1:8001/v1", "model": "tiny-a"},
 *     {"name": "gpt-x", "api_base": "https://example/v1", "api_key": "...", "sampling_weight": 2}
 *   ],
 *   "moderation_keywords": ["forbiddenword"],
 *   "admin_token": "change-me-to-16-or-more-characters",
 *   "max_input_chars": 24000, "max_turns": 50,
 *   "temperature": 0.7, "top_p": 1.0, "max_tokens": 1024,
 *   "votes_per_minute": 30, "requests_per_minute": 120,
 *   "trusted_proxy_header": "X-Forwarded-For", "rate_limit_clients": 50000,
 *   "max_sessions": 10000, "sessions_per_client": 20, "regenerations_per_battle": 10,
 *   "backend_requests_per_minute": 600
 * }
 * }</pre>
 *
 * Defaults are FastChat's ({@code constants.py} and the UI sliders).
 *
 * @param models at least two chat endpoints
 * @param moderationKeywords case-insensitive words that trigger moderation (default: none)
 * @param adminToken token required by admin routes; null disables them
 * @param maxInputChars input cut-off per message (24,000, FastChat's blind-mode limit)
 * @param maxTurns conversation limit (50)
 * @param temperature sampling temperature sent to the models (0.7)
 * @param topP nucleus sampling (1.0)
 * @param maxTokens reply length limit (1024)
 * @param votesPerMinute per-address rate limit on messages, regenerations and votes (30)
 * @param requestsPerMinute per-address rate limit on all battle routes: create, message, stream,
 *     regenerate, vote (120; one round of create + message + two streams + vote is five requests)
 * @param trustedProxyHeader header whose last entry is the client address, set only behind a
 *     reverse proxy that writes it (e.g. {@code X-Forwarded-For}); null (default): the socket's peer
 *     address, and the header is ignored since any client can send it
 * @param rateLimitClients addresses each limiter remembers at most; the least recently seen is
 *     dropped beyond (50,000: a few MB)
 * @param maxSessions live battles kept in memory (10,000); past it the oldest battle of the address
 *     holding the most is dropped, so a flood evicts the flooder's own battles first
 * @param sessionsPerClient live battles one address may hold (20); a new one drops that address's
 *     oldest
 * @param regenerationsPerBattle regenerations allowed in one battle (10): each one is two backend
 *     calls
 * @param backendRequestsPerMinute replies one model's backend is asked for per minute, over all
 *     clients (600); past it a reply fails with a neutral "busy" message that names no model
 */
public record ArenaConfig(
    List<ModelEndpoint> models,
    List<String> moderationKeywords,
    String adminToken,
    int maxInputChars,
    int maxTurns,
    double temperature,
    double topP,
    int maxTokens,
    int votesPerMinute,
    int requestsPerMinute,
    String trustedProxyHeader,
    int rateLimitClients,
    int maxSessions,
    int sessionsPerClient,
    int regenerationsPerBattle,
    int backendRequestsPerMinute) {

  /** Default limits: 120 requests per minute per address, no proxy header, 50,000 addresses, 10,000 battles. */
  public ArenaConfig(List<ModelEndpoint> models, List<String> moderationKeywords, String adminToken, int maxInputChars,
      int maxTurns, double temperature, double topP, int maxTokens, int votesPerMinute) {
    this(models, moderationKeywords, adminToken, maxInputChars, maxTurns, temperature, topP, maxTokens, votesPerMinute,
        120, null, 50_000, 10_000, 20, 10, 600);
  }

  /**
   * One model.
   *
   * @param name display name (unique)
   * @param apiBase OpenAI-compatible base URL, e.g. {@code http://127.0.0.1:8001/v1}
   * @param apiKey bearer token or null
   * @param model model id sent to the endpoint (default: name)
   * @param samplingWeight FastChat-style sampling weight (1)
   */
  public record ModelEndpoint(String name, String apiBase, String apiKey, String model, double samplingWeight) {}

  /** Shortest admin token accepted: a guessable token would open export and flagging to anyone. */
  public static final int MIN_ADMIN_TOKEN = 16;

  public ArenaConfig {
    if (models == null || models.size() < 2) {
      throw new IllegalArgumentException("config: need at least 2 models, got " + (models == null ? 0 : models.size()));
    }
    Set<String> seen = new HashSet<>();
    for (ModelEndpoint m : models) {
      if (!seen.add(m.name())) throw new IllegalArgumentException("config: duplicate model name " + m.name());
    }
    if (maxInputChars < 1 || maxTurns < 1 || maxTokens < 1) {
      throw new IllegalArgumentException("config: max_input_chars, max_turns and max_tokens must be positive");
    }
    if (votesPerMinute < 1) throw new IllegalArgumentException("config: votes_per_minute must be positive");
    if (requestsPerMinute < 1) throw new IllegalArgumentException("config: requests_per_minute must be positive");
    if (rateLimitClients < 1) throw new IllegalArgumentException("config: rate_limit_clients must be positive");
    if (maxSessions < 1 || sessionsPerClient < 1) {
      throw new IllegalArgumentException("config: max_sessions and sessions_per_client must be positive");
    }
    if (regenerationsPerBattle < 0) throw new IllegalArgumentException("config: regenerations_per_battle must be >= 0");
    if (backendRequestsPerMinute < 1) throw new IllegalArgumentException("config: backend_requests_per_minute must be positive");
    if (trustedProxyHeader != null && !trustedProxyHeader.matches("[A-Za-z0-9-]+")) {
      throw new IllegalArgumentException("config: trusted_proxy_header must be a header name, got " + trustedProxyHeader);
    }
    if (adminToken != null && adminToken.length() < MIN_ADMIN_TOKEN) {
      throw new IllegalArgumentException("config: admin_token must be at least " + MIN_ADMIN_TOKEN + " characters (or left out to disable the admin routes)");
    }
    moderationKeywords = List.copyOf(moderationKeywords);
    models = List.copyOf(models);
  }

  public ModelEndpoint model(String name) {
    for (ModelEndpoint m : models) if (m.name().equals(name)) return m;
    return null;
  }

  public List<String> modelNames() {
    return models.stream().map(ModelEndpoint::name).toList();
  }

  /** Reads and validates a config file; errors name the file and the field. */
  public static ArenaConfig read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("arena config not found: " + file);
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not valid JSON: " + e.getMessage().split("\n")[0], e);
    }
    try {
      return parse(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  public static ArenaConfig parse(JsonNode root) {
    if (root == null || !root.isObject()) throw new IllegalArgumentException("config must be a JSON object");
    JsonNode ms = root.get("models");
    if (ms == null || !ms.isArray()) throw new IllegalArgumentException("missing array 'models'");
    List<ModelEndpoint> models = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      JsonNode m = ms.get(i);
      String name = req(m, "name", "models[" + i + "]");
      String base = req(m, "api_base", "models[" + i + "]");
      if (!base.startsWith("http://") && !base.startsWith("https://")) {
        throw new IllegalArgumentException("models[" + i + "].api_base must be an http(s) URL, got " + base);
      }
      models.add(new ModelEndpoint(name, base.replaceAll("/+$", ""),
          m.hasNonNull("api_key") ? m.get("api_key").asText() : null,
          m.hasNonNull("model") ? m.get("model").asText() : name,
          m.path("sampling_weight").asDouble(1.0)));
    }
    List<String> kw = new ArrayList<>();
    root.path("moderation_keywords").forEach(k -> kw.add(k.asText()));
    return new ArenaConfig(models, kw,
        root.hasNonNull("admin_token") ? root.get("admin_token").asText() : null,
        root.path("max_input_chars").asInt(24_000),
        root.path("max_turns").asInt(50),
        root.path("temperature").asDouble(0.7),
        root.path("top_p").asDouble(1.0),
        root.path("max_tokens").asInt(1024),
        root.path("votes_per_minute").asInt(30),
        root.path("requests_per_minute").asInt(120),
        root.hasNonNull("trusted_proxy_header") ? root.get("trusted_proxy_header").asText() : null,
        root.path("rate_limit_clients").asInt(50_000),
        root.path("max_sessions").asInt(10_000),
        root.path("sessions_per_client").asInt(20),
        root.path("regenerations_per_battle").asInt(10),
        root.path("backend_requests_per_minute").asInt(600));
  }

  private static String req(JsonNode m, String field, String where) {
    if (m == null || !m.hasNonNull(field) || m.get(field).asText().isBlank()) {
      throw new IllegalArgumentException(where + ": missing '" + field + "'");
    }
    return m.get(field).asText();
  }
}
