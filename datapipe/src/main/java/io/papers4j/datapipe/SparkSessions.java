package io.papers4j.datapipe;

import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Creates the Spark session: embedded {@code local[*]} by default, any master URL otherwise. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * The JVM flags Spark needs on Java 17 (the same list as Spark's own launcher, JavaModuleOptions);
   * without them Spark fails deep inside with an IllegalAccessError.
   */
  public static final List<String> JAVA17_FLAGS =
      List.of(
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  /** Fails with the list of flags when the JVM was started without them. */
  public static void requireJava17Flags() {
    Module unnamed = SparkSessions.class.getModule();
    for (String pkg : List.of("java.nio", "sun.nio.ch", "java.lang.invoke", "java.util")) {
      if (!Object.class.getModule().isOpen(pkg, unnamed)) {
        throw new IllegalStateException(
            "datapipe: Spark needs these JVM flags on Java 17+ (missing --add-opens=java.base/" + pkg
                + "=ALL-UNNAMED); add them to PAPERS4J_JAVA_OPTS: " + String.join(" ", JAVA17_FLAGS));
      }
    }
  }

  /** A session for {@code master} (null = local[*]) with {@code partitions} shuffle partitions. */
  public static SparkSession open(String master, int partitions) {
    requireJava17Flags();
    String m = master == null || master.isBlank() ? "local[*]" : master;
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "papers4j-datapipe-log4j2.properties");
    }
    // When another module puts slf4j-simple on the classpath, Spark logs through it: keep it at WARN.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    // MLlib's netlib would dlopen the system libblas.so.3, whose symbols then resolve into libtorch's
    // already-loaded OpenBLAS and crash (SIGSEGV in daxpy, measured); the Java BLAS is fast enough here.
    for (String lib : List.of("blas", "lapack", "arpack")) {
      String key = "dev.ludovic.netlib." + lib + ".allowNative";
      if (System.getProperty(key) == null) System.setProperty(key, "false");
    }
    SparkSession.Builder b =
        SparkSession.builder()
            .appName("papers4j-datapipe")
            .master(m)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", String.valueOf(partitions))
            .config("spark.default.parallelism", String.valueOf(partitions));
    if (m.startsWith("local")) {
      // Embedded: no DNS look-up of this host's name, nothing listening beyond loopback.
      b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    } else {
      // A cluster needs our classes: ship the jars this JVM loaded them from.
      b.config("spark.jars", String.join(",", jarOf(Pipeline.class), jarOf(io.papers4j.core.report.Result.class)));
    }
    SparkSession s = b.getOrCreate();
    s.sparkContext().setLogLevel("WARN");
    return s;
  }

  private static String jarOf(Class<?> c) {
    try {
      return c.getProtectionDomain().getCodeSource().getLocation().toURI().getPath();
    } catch (Exception e) {
      throw new IllegalStateException("datapipe: cannot locate the jar of " + c.getName(), e);
    }
  }
}
