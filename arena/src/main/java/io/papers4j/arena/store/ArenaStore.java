package io.papers4j.arena.store;

import io.papers4j.arena.stats.Battle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * The arena's vote store over JDBC: an SQLite file by default, PostgreSQL for a shared deployment.
 * The schema is migrated with Flyway ({@code db/arena}, history table {@code
 * arena_schema_history}). A vote is acknowledged only after its INSERT has committed (auto-commit;
 * SQLite in WAL mode with {@code synchronous=FULL}, PostgreSQL with its default synchronous commit),
 * and inserting the same vote id again is a no-op, so client retries never duplicate a vote.
 *
 * <p>Group commit: concurrent {@link #insert} calls are queued and a writer thread stores each
 * batch in one transaction; every caller returns only after the transaction holding its vote has
 * committed, so durability per acknowledged vote is unchanged while one fsync serves many votes.
 */
public final class ArenaStore implements AutoCloseable {
  private static final int MAX_BATCH = 256;
  private final String url;
  private final Connection conn;
  private final java.util.concurrent.BlockingQueue<Pending> queue = new java.util.concurrent.LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;

  private record Pending(VoteRecord vote, java.util.concurrent.CompletableFuture<Boolean> done) {}

  private ArenaStore(String url, Connection conn) {
    this.url = url;
    this.conn = conn;
    writer = new Thread(this::writeLoop, "arena-store-writer");
    writer.setDaemon(true);
    writer.start();
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        List<Boolean> results;
        try {
          results = insertBatch(batch.stream().map(Pending::vote).toList());
        } catch (SQLException e) {
          for (Pending p : batch) p.done().completeExceptionally(e);
          continue;
        }
        for (int i = 0; i < batch.size(); i++) batch.get(i).done().complete(results.get(i));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Inserts the votes in one transaction; true for each vote that was new. */
  private synchronized List<Boolean> insertBatch(List<VoteRecord> votes) throws SQLException {
    List<Boolean> out = new ArrayList<>(votes.size());
    conn.setAutoCommit(false);
    try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
      for (VoteRecord v : votes) out.add(insertOne(ps, v));
      conn.commit();
    } catch (SQLException e) {
      conn.rollback();
      throw e;
    } finally {
      conn.setAutoCommit(true);
    }
    return out;
  }

  /** An SQLite file store (created with its directory if missing). */
  public static ArenaStore sqlite(Path file) throws SQLException {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create the directory of " + file + ": " + e.getMessage(), e);
    }
    return open("jdbc:sqlite:" + file.toAbsolutePath(), null, null);
  }

  /**
   * Opens {@code url} ({@code jdbc:sqlite:…} or {@code jdbc:postgresql:…}) and migrates the schema.
   * User and password may be null (or part of the URL).
   */
  public static ArenaStore open(String url, String user, String password) throws SQLException {
    if (url == null || !(url.startsWith("jdbc:sqlite:") || url.startsWith("jdbc:postgresql:"))) {
      throw new SQLException("store URL must start with jdbc:sqlite: or jdbc:postgresql:, got " + url);
    }
    try {
      Flyway.configure(ArenaStore.class.getClassLoader())
          .dataSource(url, user, password)
          .locations("classpath:db/arena")
          .table("arena_schema_history")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new SQLException("cannot migrate the arena schema at " + redact(url) + ": " + e.getMessage(), e);
    }
    Connection c = DriverManager.getConnection(url, user, password);
    if (url.startsWith("jdbc:sqlite:")) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA busy_timeout=5000");
      }
    }
    c.setAutoCommit(true);
    return new ArenaStore(url, c);
  }

  private static String redact(String url) {
    return url.replaceAll("password=[^&]*", "password=***");
  }

  /**
   * Stores a vote durably (returns after its transaction committed); false if a vote with this id
   * was already stored.
   */
  public boolean insert(VoteRecord v) throws SQLException {
    if (closed) throw new SQLException("store is closed");
    var done = new java.util.concurrent.CompletableFuture<Boolean>();
    Pending p = new Pending(v, done);
    queue.add(p);
    // the writer may have seen "closed and nothing queued" and stopped just before the add: take the vote back
    if (closed && queue.remove(p)) throw new SQLException("store is closed");
    try {
      return done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while storing vote " + v.id(), e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof SQLException se) throw se;
      throw new SQLException("storing vote " + v.id() + " failed: " + e.getCause(), e.getCause());
    }
  }

  private static final String INSERT =
      "INSERT INTO arena_vote (id, tstamp, vote_type, model_a, model_b, winner, anony, judge, turn, state_json)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";

  private static boolean insertOne(PreparedStatement ps, VoteRecord v) throws SQLException {
    ps.setString(1, v.id());
    ps.setDouble(2, v.tstamp());
    ps.setString(3, v.type());
    ps.setString(4, v.modelA());
    ps.setString(5, v.modelB());
    ps.setString(6, v.winner().json);
    ps.setInt(7, v.anony() ? 1 : 0);
    ps.setString(8, v.judge());
    ps.setInt(9, v.turn());
    ps.setString(10, v.stateJson());
    return ps.executeUpdate() == 1;
  }

  /** All votes in time order. */
  public synchronized List<VoteRecord> votes() throws SQLException {
    List<VoteRecord> out = new ArrayList<>();
    try (Statement s = conn.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT id, tstamp, vote_type, model_a, model_b, anony, judge, turn, state_json"
                    + " FROM arena_vote ORDER BY tstamp, id")) {
      while (r.next()) {
        out.add(
            new VoteRecord(
                r.getString(1), r.getDouble(2), r.getString(3), r.getString(4), r.getString(5),
                r.getInt(6) != 0, r.getString(7), r.getInt(8), r.getString(9)));
      }
    }
    return out;
  }

  /** Anonymous battles of judges that are not flagged, in time order: the ratings' input. */
  public List<Battle> ratedBattles() throws SQLException {
    Map<String, String> flags = flags();
    List<Battle> out = new ArrayList<>();
    for (VoteRecord v : votes()) {
      if (v.anony() && (v.judge() == null || !flags.containsKey(v.judge()))) out.add(v.battle());
    }
    return out;
  }

  public synchronized long count() throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM arena_vote")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Flags a judge (idempotent; a second flag keeps the first reason). */
  public synchronized void flag(String judge, String reason, double tstamp) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO arena_user_flag (judge, reason, tstamp) VALUES (?, ?, ?) ON CONFLICT (judge) DO NOTHING")) {
      ps.setString(1, judge);
      ps.setString(2, reason);
      ps.setDouble(3, tstamp);
      ps.executeUpdate();
    }
  }

  public synchronized void unflag(String judge) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("DELETE FROM arena_user_flag WHERE judge = ?")) {
      ps.setString(1, judge);
      ps.executeUpdate();
    }
  }

  /** Flagged judges with their reasons. */
  public synchronized Map<String, String> flags() throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement s = conn.createStatement();
        ResultSet r = s.executeQuery("SELECT judge, reason FROM arena_user_flag ORDER BY judge")) {
      while (r.next()) out.put(r.getString(1), r.getString(2));
    }
    return out;
  }

  public String url() {
    return redact(url);
  }

  @Override
  public void close() throws SQLException {
    closed = true;
    try {
      writer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // whatever the writer did not reach fails now rather than leaving its caller waiting forever
    for (Pending p; (p = queue.poll()) != null; ) p.done().completeExceptionally(new SQLException("store closed before vote " + p.vote().id() + " was stored"));
    synchronized (this) {
      conn.close();
    }
  }
}
