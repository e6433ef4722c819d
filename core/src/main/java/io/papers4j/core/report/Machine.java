package io.papers4j.core.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  /**
   * The processor and the vector kernels a run's numbers depend on, e.g. "AMD EPYC, AVX-512, OPENBLAS_CORETYPE=Haswell":
   * libtorch runs its AVX-512 or its AVX2 kernels by what the CPU offers unless ATEN_CPU_CAPABILITY names one, and
   * OpenBLAS picks its kernels the same way unless OPENBLAS_CORETYPE does. The same command and seeds train to other
   * low bits on another kernel mix, and a training's numbers move with them (docs/mlm-filter.md, "Why the rows no
   * filter chooses moved").
   */
  public static String cpu() {
    String info;
    try {
      info = Files.readString(Path.of("/proc/cpuinfo"));
    } catch (IOException | RuntimeException e) {
      info = "";
    }
    return cpu(info, System.getenv());
  }

  /** {@link #cpu()} from a /proc/cpuinfo text and an environment. */
  static String cpu(String cpuinfo, Map<String, String> env) {
    String model = "unknown CPU";
    String flags = null;
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
      if (key.equals("model name") && model.equals("unknown CPU")) model = value;
      if (key.equals("flags") && flags == null) flags = " " + value + " ";
    }
    List<String> parts = new ArrayList<>(List.of(model));
    if (flags != null) parts.add(flags.contains(" avx512f ") ? "AVX-512" : flags.contains(" avx2 ") ? "AVX2" : "no AVX2");
    for (String var : List.of("ATEN_CPU_CAPABILITY", "OPENBLAS_CORETYPE")) {
      String v = env.get(var);
      if (v != null && !v.isBlank()) parts.add(var + "=" + v);
    }
    return String.join(", ", parts);
  }
}
