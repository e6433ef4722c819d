package io.papers4j.datapipe;

import org.apache.spark.sql.SparkSession;

/**
 * One embedded Spark session for every test class of the module (surefire runs them in one JVM):
 * starting Spark costs seconds, so no class starts its own. {@code local[2]} with 4 shuffle
 * partitions and no UI ({@link SparkSessions#open}); Spark's own shutdown hook stops it.
 */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (session == null || session.sparkContext().isStopped()) session = SparkSessions.open("local[2]", 4);
    return session;
  }
}
