package io.papers4j.arena.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.arena.log.BattleLog;
import io.papers4j.arena.log.Cleaner;
import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.FastChatSampler;
import io.papers4j.arena.stats.Leaderboard;
import io.papers4j.arena.store.ArenaStore;
import io.papers4j.arena.store.VoteRecord;
import java.util.ArrayDeque;
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

  final ArenaConfig config;
  final ArenaStore store;
  final Moderation moderation;
  final Map<String, ChatBackend> backends = new HashMap<>();
  private final Map<String, BattleSession> sessions = new ConcurrentHashMap<>();
  /** Live battle ids per client address, oldest first (guarded by itself, as is {@link #votedIds}). */
  private final Map<String, ArrayDeque<String>> sessionsByClient = new HashMap<>();
  /** Ids of battles voted on, oldest vote first: finished, so the first to go when room is needed. */
  private final ArrayDeque<String> votedIds = new ArrayDeque<>();
  /** Ids in creation order; those still without a message hold no conversation and go next. */
  private final ArrayDeque<String> createdIds = new ArrayDeque<>();
  private final FastChatSampler sampler;
  private final SplittableRandom rng = new SplittableRandom();
  /** Per-address limit on all battle routes (requests_per_minute). */
  final RateLimiter requestLimiter;
  /** Per-address limit on messages, regenerations and votes (votes_per_minute). */
  final RateLimiter turnLimiter;
  /** Per-model limit on replies over all clients (backend_requests_per_minute). */
  final RateLimiter backendLimiter;
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
    this.backendLimiter = new RateLimiter("replies", "for one model", Math.max(1, config.models().size()));
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

  /**
   * A new battle for {@code client} (an address). The address's own oldest battle makes room past
   * {@code sessions_per_client}; past {@code max_sessions} a battle already voted on goes first,
   * then the oldest battle that never got a message (a flood of bare creations holds nothing worth
   * keeping), then the oldest battle of the address holding the most, so that a flood evicts the
   * flooders' battles, not other users' conversations.
   */
  BattleSession newBattle(boolean anony, String modelA, String modelB, String judge, String client) {
    String[] pair;
    if (anony) {
      synchronized (rng) {
        pair = sampler.sample(rng);
      }
    } else {
      pair = new String[] {modelA, modelB};
    }
    BattleSession b = new BattleSession(UUID.randomUUID().toString(), anony, pair[0], pair[1], judge, client);
    synchronized (sessionsByClient) {
      ArrayDeque<String> own = sessionsByClient.computeIfAbsent(client, k -> new ArrayDeque<>());
      while (own.size() >= config.sessionsPerClient()) sessions.remove(own.removeFirst());
      while (sessions.size() >= config.maxSessions()) evictOne();
      sessionsByClient.put(client, own); // evictOne() drops a queue it empties, this one included
      own.addLast(b.id);
      sessions.put(b.id, b);
      createdIds.addLast(b.id);
      if (createdIds.size() > 2 * config.maxSessions()) createdIds.removeIf(id -> !sessions.containsKey(id));
    }
    return b;
  }

  BattleSession session(String id) {
    BattleSession b = sessions.get(id);
    if (b == null) throw new ApiError(404, "unknown battle id: " + id);
    b.lastUsed = System.currentTimeMillis();
    return b;
  }

  /** Live battles (at most max_sessions) and the addresses holding them. */
  public int[] sessionCounts() {
    synchronized (sessionsByClient) {
      return new int[] {sessions.size(), sessionsByClient.size()};
    }
  }

  /** Addresses the largest rate limiter remembers (at most rate_limit_clients). */
  public int limiterEntries() {
    return Math.max(requestLimiter.size(), turnLimiter.size());
  }

  /** Records that {@code b} was voted on: it may now be evicted before any open battle. */
  void markVoted(BattleSession b) {
    synchronized (sessionsByClient) {
      votedIds.addLast(b.id);
    }
  }

  private void evictOne() {
    while (!votedIds.isEmpty()) {
      BattleSession done = sessions.get(votedIds.removeFirst());
      if (done != null) {
        forget(done.ip, done.id);
        return;
      }
    }
    while (!createdIds.isEmpty()) {
      BattleSession bare = sessions.get(createdIds.removeFirst());
      if (bare == null) continue;
      synchronized (bare) {
        if (bare.turns > 0) continue; // a conversation: only the largest holder's rule may drop it
      }
      forget(bare.ip, bare.id);
      return;
    }
    String holder = null;
    int most = 0;
    for (Map.Entry<String, ArrayDeque<String>> e : sessionsByClient.entrySet()) {
      if (e.getValue().size() > most) {
        most = e.getValue().size();
        holder = e.getKey();
      }
    }
    if (holder == null) throw new IllegalStateException("battle bookkeeping out of step: no holder to evict from");
    forget(holder, sessionsByClient.get(holder).peekFirst());
  }

  private void forget(String client, String id) {
    sessions.remove(id);
    ArrayDeque<String> q = sessionsByClient.get(client);
    if (q != null) {
      q.remove(id);
      if (q.isEmpty()) sessionsByClient.remove(client);
    }
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
