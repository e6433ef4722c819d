package io.papers4j.lm.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident set size of this process, from Linux's {@code /proc/self/status}. */
final class PeakMemory {
  private PeakMemory() {}

  /** VmHWM (the high-water mark of resident memory) in MiB, or NaN off Linux. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: no number rather than a wrong one
    }
    return Double.NaN;
  }
}
