package io.papers4j.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak resident set size of this process (Linux {@code VmHWM}): the memory actually touched,
 * native tensors included, which is what decides whether a training run fits a machine.
 *
 * <p>{@link #reset()} writes 5 to {@code /proc/self/clear_refs}, which resets VmHWM to the current
 * RSS (Linux ≥ 4.0), so several runs in one JVM each get their own peak.
 */
public final class PeakRss {
  private PeakRss() {}

  /** VmHWM in bytes, or -1 where /proc is unavailable. */
  public static long bytes() {
    return field("VmHWM:");
  }

  /** Current VmRSS in bytes, or -1. */
  public static long currentBytes() {
    return field("VmRSS:");
  }

  /** Resets the peak to the current RSS; returns false where the kernel does not allow it. */
  public static boolean reset() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024; // kB
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
