package io.papers4j.core.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Machine facts a report states beside a timing, read at run time. */
public final class Machine {
  private Machine() {}

  /** The 1/5/15-minute load averages from /proc/loadavg, e.g. "1.52 1.10 0.80" ("unknown" elsewhere). */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The 1-minute load average (NaN where unavailable). */
  public static double load1() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Cores the JVM may use. */
  public static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }
}
