package io.papers4j.arena.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The test PostgreSQL server started by {@code scripts/deps/arena.sh --test}. Each test gets its own
 * schema so runs never see each other's rows.
 */
public final class StoreUrls {
  public static final String PG_URL = "jdbc:postgresql://localhost:5432/papers4j_test";
  public static final String PG_USER = "papers4j_test";
  public static final String PG_PASSWORD = "papers4j_test";

  private StoreUrls() {}

  /** A URL with a fresh schema on the test server; skips the test when no server answers. */
  public static String freshPostgres() {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(PG_URL + "?connectTimeout=3", PG_USER, PG_PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      Assumptions.assumeTrue(false,
          "needs the test PostgreSQL server (run scripts/deps/arena.sh --test as root): " + e.getMessage());
    }
    return PG_URL + "?currentSchema=" + schema;
  }

  /** Drops the schema of a URL made by {@link #freshPostgres}. */
  public static void drop(String url) {
    String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException ignored) {
      // best effort: a leftover schema holds only test rows
    }
  }
}
