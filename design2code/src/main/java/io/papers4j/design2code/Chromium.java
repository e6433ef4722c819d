package io.papers4j.design2code;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.browser.HeadlessChromium;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * Pages rendered the way the official Playwright script does, on {@link HeadlessChromium}: a
 * 1280×720 viewport at device scale 1, navigate and wait for the load event (60 s), animations
 * disabled (finite ones finished, infinite ones cancelled), then a full-page screenshot (the
 * document's scroll size). On any failure the official fallback is returned: a blank white
 * 1280×960 image.
 *
 * <p>One browser process and one tab serve many renders. Calls are serialised.
 */
public final class Chromium implements AutoCloseable {
  /** Playwright's default viewport. */
  public static final int VIEWPORT_WIDTH = 1280, VIEWPORT_HEIGHT = 720;
  /** Size of the official blank fallback image. */
  public static final int FALLBACK_WIDTH = 1280, FALLBACK_HEIGHT = 960;

  private static final String PAGE_SIZE_JS =
      "(() => { if (!document.body || !document.documentElement) return null;"
          + " const b = document.body, e = document.documentElement;"
          + " return JSON.stringify({w: Math.max(b.scrollWidth, e.scrollWidth, b.offsetWidth, e.offsetWidth,"
          + " b.clientWidth, e.clientWidth), h: Math.max(b.scrollHeight, e.scrollHeight, b.offsetHeight,"
          + " e.offsetHeight, b.clientHeight, e.clientHeight)}); })()";
  private static final String DISABLE_ANIMATIONS_JS =
      "(() => { for (const a of document.getAnimations()) { const t = a.effect && a.effect.getComputedTiming();"
          + " if (t && Number.isFinite(t.endTime)) a.finish(); else a.cancel(); } })()";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HeadlessChromium browser;
  private int failures;

  private Chromium(HeadlessChromium browser) {
    this.browser = browser;
  }

  /** Starts a fresh headless browser with its own empty profile directory. */
  public static Chromium launch() throws IOException {
    return new Chromium(HeadlessChromium.launch(VIEWPORT_WIDTH, VIEWPORT_HEIGHT));
  }

  /** Renders {@code html} (a file) full-page; the blank 1280×960 fallback on any failure. */
  public synchronized BufferedImage screenshot(Path html) {
    try {
      return browser.onPage(html, page -> {
        page.evaluate(DISABLE_ANIMATIONS_JS, false);
        var sizeValue = page.evaluate(PAGE_SIZE_JS, false);
        int w = VIEWPORT_WIDTH, h = VIEWPORT_HEIGHT;
        if (sizeValue != null && sizeValue.isTextual()) {
          var size = JSON.readTree(sizeValue.asText());
          w = Math.max(1, size.get("w").asInt());
          h = Math.max(1, size.get("h").asInt());
        }
        return page.capture(0, 0, w, h);
      });
    } catch (IOException e) {
      failures++;
      System.err.println("[design2code] screenshot failed (" + e.getMessage() + "); using a blank 1280x960 image, as the official code does");
      return blank();
    }
  }

  /**
   * Loads {@code html} (a file) like {@link #screenshot} and returns the string value of the
   * JavaScript expression {@code js} evaluated in it.
   */
  public synchronized String evaluateOn(Path html, String js) throws IOException {
    return browser.onPage(html, page -> {
      var v = page.evaluate(js, true);
      if (v == null || !v.isTextual()) throw new IOException("script returned no string");
      return v.asText();
    });
  }

  /** Number of renders that fell back to the blank image. */
  public synchronized int failures() {
    return failures;
  }

  static BufferedImage blank() {
    BufferedImage img = new BufferedImage(FALLBACK_WIDTH, FALLBACK_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, FALLBACK_WIDTH, FALLBACK_HEIGHT);
    g.dispose();
    return img;
  }

  @Override
  public synchronized void close() {
    browser.close();
  }

  static void deleteTree(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temporary directory
    }
  }
}
