package io.papers4j.multimodal.infimm;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * A viewport screenshot of an HTML file by Debian's headless {@code chromium}, one browser process per
 * page, with the flags of DATA.md A.5: a fresh temporary profile, no network services, no scroll
 * bars, a fixed window ({@value #WIDTH}×{@value #HEIGHT} by default). The screenshot is what a reader
 * sees without scrolling, so body text stays small: the high-resolution case of InfiMM-HD.
 *
 * <p>The PNG is written to a hidden temporary file beside the target and moved into place only once
 * it decodes, so a reader never sees a partial file. Every failure is one exception with a readable
 * message: Chromium missing (names the Debian package), a page that cannot be read, a render that
 * exceeds the timeout or writes no image.
 */
public final class ChromiumScreenshot {
  /** The default window: small text, like a screenshot of a real desktop browser. */
  public static final int WIDTH = 1024, HEIGHT = 768;

  private static final AtomicLong COUNTER = new AtomicLong();

  private final String binary;
  private final int width, height;
  private final Duration timeout;

  /** Chromium from {@link #binary()}, the default window, 60 s per page. */
  public ChromiumScreenshot() {
    this(binary(), WIDTH, HEIGHT, Duration.ofSeconds(60));
  }

  public ChromiumScreenshot(String binary, int width, int height, Duration timeout) {
    if (binary == null || binary.isBlank()) throw new IllegalArgumentException("no Chromium binary given");
    if (width < 16 || height < 16 || width > 8192 || height > 8192) {
      throw new IllegalArgumentException("window must be 16..8192 px per side, got " + width + "x" + height);
    }
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    this.binary = binary;
    this.width = width;
    this.height = height;
    this.timeout = timeout;
  }

  /** The browser: $PAPERS4J_CHROMIUM, else /usr/bin/chromium if executable, else {@code chromium} on PATH. */
  public static String binary() {
    String env = System.getenv("PAPERS4J_CHROMIUM");
    if (env != null && !env.isBlank()) return env;
    Path debian = Path.of("/usr/bin/chromium");
    return Files.isExecutable(debian) ? debian.toString() : "chromium";
  }

  /** True when {@link #binary()} names an executable file (a name without a slash is looked up on PATH). */
  public static boolean available() {
    String b = binary();
    if (b.contains("/")) return Files.isExecutable(Path.of(b));
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String dir : path.split(java.io.File.pathSeparator)) if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, b))) return true;
    return false;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Renders {@code html} and writes the viewport screenshot to {@code png} atomically; returns the image. */
  public BufferedImage render(Path html, Path png) {
    if (!Files.isRegularFile(html) || !Files.isReadable(html)) throw new IllegalArgumentException("cannot read page " + html + ": not a readable file");
    Path dir = png.toAbsolutePath().getParent();
    Path profile = null, tmp = null;
    try {
      Files.createDirectories(dir);
      profile = Files.createTempDirectory("papers4j-chromium-");
      tmp = dir.resolve("." + png.getFileName() + "." + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + ".tmp.png");
      Path log = profile.resolve("chromium.log");
      List<String> cmd = List.of(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
          "--hide-scrollbars", "--window-size=" + width + "," + height, "--screenshot=" + tmp, html.toAbsolutePath().toUri().toString());
      Process p;
      try {
        p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start Chromium ('" + binary + "'): install the Debian package 'chromium' "
            + "(listed in scripts/deps/multimodal.run) or set PAPERS4J_CHROMIUM to the browser", e);
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        long ms = timeout.toMillis();
        throw new IllegalStateException("Chromium did not render " + html + " within " + (ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms"));
      }
      BufferedImage img = Files.isRegularFile(tmp) ? ImageIO.read(tmp.toFile()) : null;
      if (img == null) {
        throw new IllegalStateException("Chromium wrote no screenshot of " + html + " (exit code " + p.exitValue() + "): " + tail(log));
      }
      Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      return img;
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the screenshot " + png + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while rendering " + html, e);
    } finally {
      try {
        if (tmp != null) Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a hidden temporary file; never read
      }
      if (profile != null) deleteTree(profile);
    }
  }

  /** The last non-empty line of Chromium's output other than the harmless D-Bus noise. */
  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank() && !l.contains("dbus") && !l.contains("D-Bus")).toList();
      return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1).strip();
    } catch (IOException | RuntimeException e) {
      return "no output";
    }
  }

  private static void deleteTree(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temporary profile directory
    }
  }
}
