package io.papers4j.core.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * Debian's headless {@code chromium} driven over the DevTools protocol: one browser process and one
 * reused tab serve many pages, so a page costs a navigation rather than a browser start (about 1 s
 * more per page with a process per page). The tab has a fixed viewport at device scale 1.
 *
 * <p>Each page is loaded by {@link #onPage}, which waits for the load event and the fonts, then hands
 * the caller a {@link Page} to evaluate scripts on and capture regions of. A failure on a page
 * discards the tab, so the next page starts from a fresh one. Calls are serialised. Every failure is
 * an {@link IOException} with a readable message (the browser missing names its Debian package).
 */
public final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a caller does on a loaded page. */
  @FunctionalInterface
  public interface PageAction<T> {
    T apply(Page page) throws Exception;
  }

  /** The loaded page of the reused tab, valid inside {@link #onPage}. */
  public final class Page {
    private final String session;

    private Page(String session) {
      this.session = session;
    }

    /** The JSON value of a JavaScript expression (a promise awaited when asked); null for undefined. */
    public JsonNode evaluate(String expression, boolean awaitPromise) throws Exception {
      JsonNode r = call(session, "Runtime.evaluate",
          Map.of("expression", expression, "awaitPromise", awaitPromise, "returnByValue", true));
      if (r.has("exceptionDetails")) throw new IOException("script failed: " + r.get("exceptionDetails"));
      return r.path("result").get("value");
    }

    /** A PNG capture of the document region (x, y, w, h) at scale 1, beyond the viewport if needed, as RGB on white. */
    public BufferedImage capture(int x, int y, int w, int h) throws Exception {
      ObjectNode params = JSON.createObjectNode();
      params.put("format", "png");
      params.put("captureBeyondViewport", true);
      params.put("fromSurface", true);
      ObjectNode clip = params.putObject("clip");
      clip.put("x", x).put("y", y).put("width", w).put("height", h).put("scale", 1);
      String data = call(session, "Page.captureScreenshot", params).get("data").asText();
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(data)));
      if (img == null) throw new IOException("Chromium returned an unreadable PNG");
      return toRgb(img);
    }

    /** What a reader sees without scrolling. */
    public BufferedImage captureViewport() throws Exception {
      return capture(0, 0, width, height);
    }
  }

  private final Process process;
  private final Path userDataDir;
  private final WebSocket ws;
  private final int width, height;
  private final Duration timeout;
  private final AtomicInteger nextId = new AtomicInteger(1);
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<Consumer<JsonNode>> eventListeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  /** The reused tab: target and session id, or null before the first page and after a failure. */
  private String tabTarget, tabSession;

  private HeadlessChromium(Process process, Path userDataDir, WebSocket ws, int width, int height, Duration timeout) {
    this.process = process;
    this.userDataDir = userDataDir;
    this.ws = ws;
    this.width = width;
    this.height = height;
    this.timeout = timeout;
  }

  /** The browser: $PAPERS4J_CHROMIUM, else /usr/bin/chromium or /usr/bin/chromium-browser if executable, else {@code chromium} on PATH. */
  public static String binary() {
    String env = System.getenv("PAPERS4J_CHROMIUM");
    if (env != null && !env.isBlank()) return env;
    for (String c : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) if (new File(c).canExecute()) return c;
    return "chromium";
  }

  /** True when {@link #binary()} names an executable file (a name without a slash is looked up on PATH). */
  public static boolean available() {
    String b = binary();
    if (b.contains("/")) return Files.isExecutable(Path.of(b));
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String dir : path.split(File.pathSeparator)) if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, b))) return true;
    return false;
  }

  /** {@link #binary()} with a {@code width}×{@code height} viewport and 60 s per call. */
  public static HeadlessChromium launch(int width, int height) throws IOException {
    return launch(binary(), width, height, Duration.ofSeconds(60));
  }

  /** Starts a fresh headless browser with its own empty profile directory. */
  public static HeadlessChromium launch(String binary, int width, int height, Duration timeout) throws IOException {
    if (binary == null || binary.isBlank()) throw new IllegalArgumentException("no Chromium binary given");
    if (width < 16 || height < 16 || width > 8192 || height > 8192) {
      throw new IllegalArgumentException("viewport must be 16..8192 px per side, got " + width + "x" + height);
    }
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    Path profile = Files.createTempDirectory("papers4j-chromium-");
    List<String> cmd = List.of(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
        "--mute-audio", "--force-color-profile=srgb", "--remote-debugging-port=0", "--user-data-dir=" + profile,
        "about:blank");
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    } catch (IOException e) {
      deleteTree(profile);
      throw new IOException("cannot start Chromium ('" + binary + "'): install the Debian package 'chromium'"
          + " (scripts/setup) or set PAPERS4J_CHROMIUM to the browser", e);
    }
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
        if (!p.isAlive()) throw new IOException("Chromium exited at start-up (code " + p.exitValue() + "): " + tail(profile.resolve("chromium.log")));
        if (System.nanoTime() > deadline) throw new IOException("Chromium did not open its DevTools port within 30 s");
        Thread.sleep(50);
      }
      List<String> lines = Files.readAllLines(portFile);
      URI uri = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
      HeadlessChromium[] self = new HeadlessChromium[1];
      Listener listener = new Listener(msg -> self[0].dispatch(msg));
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, listener).get(30, TimeUnit.SECONDS);
      HeadlessChromium c = new HeadlessChromium(p, profile, ws, width, height, timeout);
      self[0] = c;
      // A JVM stopped by a signal must not leave the browser running.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        if (!c.closed) {
          p.destroyForcibly();
          deleteTree(profile);
        }
      }));
      return c;
    } catch (Exception e) {
      p.destroyForcibly();
      deleteTree(profile);
      if (e instanceof IOException io) throw io;
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      throw new IOException("cannot connect to Chromium's DevTools endpoint: " + e, e);
    }
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /**
   * Loads the HTML file {@code html} in the tab (load event and fonts awaited) and runs {@code action}
   * on it. Any failure, of the load or of the action, discards the tab and is rethrown as an
   * {@link IOException} naming the page.
   */
  public synchronized <T> T onPage(Path html, PageAction<T> action) throws IOException {
    if (closed) throw new IOException("the browser is closed");
    try {
      return action.apply(new Page(load(html.toAbsolutePath().toUri().toString())));
    } catch (Exception e) {
      dropTab();
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      String why = e instanceof java.util.concurrent.TimeoutException
          ? "no reply within " + timeout.toSeconds() + " s" : e.getMessage();
      throw new IOException("page " + html + ": " + why, e);
    }
  }

  /** Opens (once) the tab every page navigates. */
  private String tab() throws Exception {
    if (tabSession != null) return tabSession;
    String targetId = call(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
    String session = call(null, "Target.attachToTarget", Map.of("targetId", targetId, "flatten", true)).get("sessionId").asText();
    call(session, "Page.enable", Map.of());
    call(session, "Runtime.enable", Map.of());
    call(session, "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    tabTarget = targetId;
    tabSession = session;
    return session;
  }

  private void dropTab() {
    if (tabTarget != null) {
      try {
        call(null, "Target.closeTarget", Map.of("targetId", tabTarget));
      } catch (Exception ignored) {
        // the tab may already be gone; the next page opens a new one
      }
    }
    tabTarget = null;
    tabSession = null;
  }

  /** Navigates the tab to {@code url}, waits for the load event and the fonts; returns the session id. */
  private String load(String url) throws Exception {
    String session = tab();
    CompletableFuture<JsonNode> loaded = new CompletableFuture<>();
    Consumer<JsonNode> onLoad = ev -> {
      if ("Page.loadEventFired".equals(ev.path("method").asText()) && session.equals(ev.path("sessionId").asText())) loaded.complete(ev);
    };
    eventListeners.add(onLoad);
    try {
      JsonNode nav = call(session, "Page.navigate", Map.of("url", url));
      if (nav.has("errorText") && !nav.get("errorText").asText().isEmpty()) throw new IOException("navigation failed: " + nav.get("errorText").asText());
      loaded.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      eventListeners.remove(onLoad);
    }
    new Page(session).evaluate("document.fonts ? document.fonts.ready.then(() => true) : true", true);
    return session;
  }

  private JsonNode call(String session, String method, Object params) throws Exception {
    int id = nextId.getAndIncrement();
    ObjectNode msg = JSON.createObjectNode();
    msg.put("id", id);
    msg.put("method", method);
    msg.set("params", JSON.valueToTree(params));
    if (session != null) msg.put("sessionId", session);
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    try {
      ws.sendText(JSON.writeValueAsString(msg), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      JsonNode reply = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (reply.has("error")) throw new IOException(method + ": " + reply.get("error"));
      return reply.path("result");
    } finally {
      pending.remove(id);
    }
  }

  private void dispatch(String text) {
    try {
      JsonNode msg = JSON.readTree(text);
      if (msg.has("id")) {
        CompletableFuture<JsonNode> f = pending.get(msg.get("id").asInt());
        if (f != null) f.complete(msg);
      } else {
        for (Consumer<JsonNode> l : eventListeners) l.accept(msg);
      }
    } catch (IOException e) {
      System.err.println("[chromium] unreadable DevTools message: " + e.getMessage());
    }
  }

  /** Collects (possibly fragmented) text frames into whole messages. */
  private static final class Listener implements WebSocket.Listener {
    private final Consumer<String> sink;
    private final StringBuilder buf = new StringBuilder();

    Listener(Consumer<String> sink) {
      this.sink = sink;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      buf.append(data);
      if (last) {
        String msg = buf.toString();
        buf.setLength(0);
        sink.accept(msg);
      }
      ws.request(1);
      return null;
    }
  }

  /** {@code img} as TYPE_INT_RGB, transparent pixels composited on white. */
  public static BufferedImage toRgb(BufferedImage img) {
    if (img.getType() == BufferedImage.TYPE_INT_RGB) return img;
    BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.drawImage(img, 0, 0, null);
    g.dispose();
    return rgb;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    try {
      ws.sendText("{\"id\":0,\"method\":\"Browser.close\"}", true).get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // fall through to stopping the process
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ws.abort();
    deleteTree(userDataDir);
  }

  /** The last non-empty line of Chromium's log other than the harmless D-Bus noise. */
  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log).stream()
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
