package io.papers4j.arena.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.arena.log.BattleLog;
import io.papers4j.arena.log.Cleaner;
import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.FastChatSampler;
import io.papers4j.arena.stats.Leaderboard;
import io.papers4j.arena.store.ArenaStore;
import io.papers4j.arena.store.VoteRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The platform's state behind the routes: configuration, model backends, the vote store, live
 * battle sessions, the pair sampler, per-address rate limits and the cached leaderboard.
 */
public final class Arena {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_SESSIONS = 10_000;

  final ArenaConfig config;
  final ArenaStore store;
  final Moderation moderation;
  final Map<String, ChatBackend> backends = new HashMap<>();
  private final Map<String, BattleSession> sessions = new ConcurrentHashMap<>();
  private final FastChatSampler sampler;
  private final SplittableRandom rng = new SplittableRandom();
  /** Per-address limit on all battle routes (requests_per_minute). */
  final RateLimiter requestLimiter;
  /** Per-address limit on messages, regenerations and votes (votes_per_minute). */
  final RateLimiter turnLimiter;
  private final int bootstrapRounds;
  private long cachedAt = -1;
  private Map<String, Object> cached;

  /**
   * @param backendFactory makes each model's backend (tests may swap it; the CLI uses {@link
   *     OpenAiBackend})
   * @param bootstrapRounds bootstrap rounds for the leaderboard's intervals (FastChat: 100)
   */
  public Arena(
      ArenaConfig config,
      ArenaStore store,
      Moderation moderation,
      Function<ArenaConfig.ModelEndpoint, ChatBackend> backendFactory,
      int bootstrapRounds) {
    this.config = config;
    this.store = store;
    this.moderation = moderation;
    this.bootstrapRounds = bootstrapRounds;
    this.requestLimiter = new RateLimiter("battle requests", config.rateLimitClients());
    this.turnLimiter = new RateLimiter("messages, regenerations and votes", config.rateLimitClients());
    Map<String, Double> weights = new LinkedHashMap<>();
    for (ArenaConfig.ModelEndpoint m : config.models()) {
      backends.put(m.name(), backendFactory.apply(m));
      weights.put(m.name(), m.samplingWeight());
    }
    sampler = new FastChatSampler(weights, Set.of(), Set.of(), Map.of());
  }

  /** The default backends: every model through its OpenAI-compatible endpoint. */
  public static Arena withOpenAi(ArenaConfig config, ArenaStore store) {
    return new Arena(config, store, Moderation.keywords(config.moderationKeywords()),
        m -> new OpenAiBackend(m, config.temperature(), config.topP(), config.maxTokens()), 100);
  }

  BattleSession newBattle(boolean anony, String modelA, String modelB, String judge, String ip) {
    if (sessions.size() >= MAX_SESSIONS) evictOldest();
    String[] pair;
    if (anony) {
      synchronized (rng) {
        pair = sampler.sample(rng);
      }
    } else {
      pair = new String[] {modelA, modelB};
    }
    BattleSession b = new BattleSession(UUID.randomUUID().toString(), anony, pair[0], pair[1], judge, ip);
    sessions.put(b.id, b);
    return b;
  }

  BattleSession session(String id) {
    BattleSession b = sessions.get(id);
    if (b == null) throw new ApiError(404, "unknown battle id: " + id);
    b.lastUsed = System.currentTimeMillis();
    return b;
  }

  private void evictOldest() {
    sessions.values().stream()
        .min((x, y) -> Long.compare(x.lastUsed, y.lastUsed))
        .ifPresent(b -> sessions.remove(b.id));
  }

  /** Stores a vote durably (idempotent on its id) and invalidates the leaderboard cache. */
  boolean storeVote(VoteRecord v) throws Exception {
    boolean fresh = store.insert(v);
    synchronized (this) {
      cachedAt = -1;
    }
    return fresh;
  }

  /** Clean anonymous battles of unflagged judges: the leaderboard's input (FastChat's pipeline). */
  List<Battle> cleanBattles() throws Exception {
    Cleaner cleaner = new Cleaner(config.modelNames());
    Map<String, String> flags = store.flags();
    List<Battle> out = new ArrayList<>();
    for (VoteRecord v : store.votes()) {
      var clean = cleaner.clean(v.stateJson());
      if (clean == null || !clean.get("anony").asBoolean()) continue;
      if (flags.containsKey(clean.get("judge").asText())) continue;
      out.add(BattleLog.parse(clean, "vote " + v.id()));
    }
    return out;
  }

  /** Drops the cached leaderboard, e.g. after flagging or unflagging a judge changed which votes count. */
  synchronized void invalidateLeaderboard() {
    cachedAt = -1;
  }

  /** The leaderboard table and matrices, recomputed when votes changed. */
  synchronized Map<String, Object> leaderboard() throws Exception {
    long n = store.count();
    if (cached != null && cachedAt == n) return cached;
    cached = LeaderboardView.compute(cleanBattles(), bootstrapRounds);
    cachedAt = n;
    return cached;
  }

  Leaderboard.Options leaderboardOptions() {
    Leaderboard.Options d = Leaderboard.Options.defaults();
    return new Leaderboard.Options(d.method(), bootstrapRounds, d.seed(), d.scale(), d.resampling(), d.alpha(), LeaderboardView.PRIOR_L2);
  }
}
