package io.papers4j.multimodal.infimm;

import io.papers4j.core.browser.HeadlessChromium;
import io.papers4j.core.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Viewport screenshots of HTML files by Debian's headless {@code chromium} ({@link HeadlessChromium}:
 * one browser, started at the first page and reused until {@link #close}, a fresh temporary profile,
 * no network services, no scroll bars) at a fixed window, {@value #WIDTH}×{@value #HEIGHT} by default.
 * The screenshot is what a reader sees without scrolling, so body text stays small: the
 * high-resolution case of InfiMM-HD.
 *
 * <p>The PNG is written atomically, so a reader never sees a partial file. Every failure is one
 * exception with a readable message: Chromium missing (names the Debian package), a page that cannot
 * be read, a render that exceeds the timeout.
 */
public final class ChromiumScreenshot implements AutoCloseable {
  /** The default window: small text, like a screenshot of a real desktop browser. */
  public static final int WIDTH = 1024, HEIGHT = 768;

  private final String binary;
  private final int width, height;
  private final Duration timeout;
  private HeadlessChromium browser;

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

  /** The browser: {@link HeadlessChromium#binary()}. */
  public static String binary() {
    return HeadlessChromium.binary();
  }

  /** True when {@link #binary()} names an executable file. */
  public static boolean available() {
    return HeadlessChromium.available();
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Renders {@code html} and writes the viewport screenshot to {@code png} atomically; returns the image. */
  public synchronized BufferedImage render(Path html, Path png) {
    if (!Files.isRegularFile(html) || !Files.isReadable(html)) throw new IllegalArgumentException("cannot read page " + html + ": not a readable file");
    BufferedImage img;
    try {
      if (browser == null) browser = HeadlessChromium.launch(binary, width, height, timeout);
      img = browser.onPage(html, HeadlessChromium.Page::captureViewport);
    } catch (IOException e) {
      if (causedByTimeout(e)) {
        long ms = timeout.toMillis();
        throw new IllegalStateException("Chromium did not render " + html + " within " + (ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms"), e);
      }
      throw new IllegalStateException(e.getMessage(), e);
    }
    AtomicFiles.writePng(png, img);
    return img;
  }

  private static boolean causedByTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof TimeoutException) return true;
    return false;
  }

  /** Stops the browser, if one was started. */
  @Override
  public synchronized void close() {
    if (browser != null) browser.close();
    browser = null;
  }
}
