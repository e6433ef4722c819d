package io.papers4j.design2code;

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
import java.util.ArrayList;
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
 * Headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol, rendering pages
 * the way the official Playwright script does: a 1280×720 viewport at device scale 1, navigate and
 * wait for the load event (60 s), animations disabled (finite ones finished, infinite ones
 * cancelled), then a full-page screenshot (the document's scroll size). On any failure the official
 * fallback is returned: a blank white 1280×960 image.
 *
 * <p>One browser process and one tab serve many renders (each render is a fresh navigation; a
 * failed render discards the tab). Calls are serialised.
 */
public final class Chromium implements AutoCloseable {
  /** Playwright's default viewport. */
  public static final int VIEWPORT_WIDTH = 1280, VIEWPORT_HEIGHT = 720;
  /** Size of the official blank fallback image. */
  public static final int FALLBACK_WIDTH = 1280, FALLBACK_HEIGHT = 960;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String PAGE_SIZE_JS =
      "(() => { if (!document.body || !document.documentElement) return null;"
          + " const b = document.body, e = document.documentElement;"
          + " return JSON.stringify({w: Math.max(b.scrollWidth, e.scrollWidth, b.offsetWidth, e.offsetWidth,"
          + " b.clientWidth, e.clientWidth), h: Math.max(b.scrollHeight, e.scrollHeight, b.offsetHeight,"
          + " e.offsetHeight, b.clientHeight, e.clientHeight)}); })()";
  private static final String DISABLE_ANIMATIONS_JS =
      "(() => { for (const a of document.getAnimations()) { const t = a.effect && a.effect.getComputedTiming();"
          + " if (t && Number.isFinite(t.endTime)) a.finish(); else a.cancel(); } })()";

  private final Process process;
  private final Path userDataDir;
  private final WebSocket ws;
  private final AtomicInteger nextId = new AtomicInteger(1);
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<Consumer<JsonNode>> eventListeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private int failures;

  private Chromium(Process process, Path userDataDir, WebSocket ws) {
    this.process = process;
    this.userDataDir = userDataDir;
    this.ws = ws;
  }

  /** The browser binary: $PAPERS4J_CHROMIUM, else /usr/bin/chromium, else chromium on PATH. */
  static String binary() {
    String env = System.getenv("PAPERS4J_CHROMIUM");
    if (env != null && !env.isBlank()) return env;
    for (String c : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
      if (new File(c).canExecute()) return c;
    return "chromium";
  }

  /** Starts a fresh headless browser with its own empty profile directory. */
  public static Chromium launch() throws IOException {
    Path profile = Files.createTempDirectory("papers4j-chromium-");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                binary(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--mute-audio",
                "--force-color-profile=srgb",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank"));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    } catch (IOException e) {
      deleteTree(profile);
      throw new IOException(
          "cannot start Chromium ('" + cmd.get(0) + "'): install the Debian package 'chromium' (scripts/setup --test) or set PAPERS4J_CHROMIUM", e);
    }
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
        if (!p.isAlive())
          throw new IOException("Chromium exited at start-up (code " + p.exitValue() + "); log: " + profile.resolve("chromium.log"));
        if (System.nanoTime() > deadline) throw new IOException("Chromium did not open its DevTools port within 30 s");
        Thread.sleep(50);
      }
      List<String> lines = Files.readAllLines(portFile);
      URI uri = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
      Chromium[] self = new Chromium[1];
      Listener listener = new Listener(msg -> self[0].dispatch(msg));
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, listener).get(30, TimeUnit.SECONDS);
      self[0] = new Chromium(p, profile, ws);
      Chromium c = self[0];
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
      throw new IOException("cannot connect to Chromium's DevTools endpoint: " + e, e);
    }
  }

  /** Renders {@code html} (a file) full-page; the blank 1280×960 fallback on any failure. */
  public synchronized BufferedImage screenshot(Path html) {
    try {
      return capture(html.toAbsolutePath().toUri().toString());
    } catch (Exception e) {
      failures++;
      System.err.println("[design2code] screenshot of " + html + " failed (" + e.getMessage() + "); using a blank 1280x960 image, as the official code does");
      return blank();
    }
  }

  /**
   * Loads {@code html} (a file) like {@link #screenshot} and returns the string value of the
   * JavaScript expression {@code js} evaluated in it.
   */
  public synchronized String evaluateOn(Path html, String js) throws IOException {
    try {
      String session = load(html.toAbsolutePath().toUri().toString());
      JsonNode v = evaluate(session, js, true);
      if (v == null || !v.isTextual()) throw new IOException("script returned no string");
      return v.asText();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("evaluating a script on " + html + " failed: " + e.getMessage(), e);
    }
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

  /** The reused tab: target id and session id, or null before the first render / after a failure. */
  private String tabTarget, tabSession;

  /** Opens (once) the tab every render navigates; a new renderer process per page would cost ~1 s. */
  private String tab() throws Exception {
    if (tabSession != null) return tabSession;
    String targetId = call(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
    String session = call(null, "Target.attachToTarget", Map.of("targetId", targetId, "flatten", true)).get("sessionId").asText();
    call(session, "Page.enable", Map.of());
    call(session, "Runtime.enable", Map.of());
    call(
        session,
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", VIEWPORT_WIDTH, "height", VIEWPORT_HEIGHT, "deviceScaleFactor", 1, "mobile", false));
    tabTarget = targetId;
    tabSession = session;
    return session;
  }

  private void dropTab() {
    if (tabTarget != null) {
      try {
        call(null, "Target.closeTarget", Map.of("targetId", tabTarget));
      } catch (Exception ignored) {
        // the tab may already be gone; the next render opens a new one
      }
    }
    tabTarget = null;
    tabSession = null;
  }

  /** Navigates the tab to {@code url}, waits for load and fonts; returns the session id. */
  private String load(String url) throws Exception {
    if (closed) throw new IOException("browser is closed");
    try {
      String session = tab();
      CompletableFuture<JsonNode> loaded = new CompletableFuture<>();
      Consumer<JsonNode> onLoad =
          ev -> {
            if ("Page.loadEventFired".equals(ev.path("method").asText()) && session.equals(ev.path("sessionId").asText()))
              loaded.complete(ev);
          };
      eventListeners.add(onLoad);
      try {
        JsonNode nav = call(session, "Page.navigate", Map.of("url", url));
        if (nav.has("errorText") && !nav.get("errorText").asText().isEmpty())
          throw new IOException("navigation failed: " + nav.get("errorText").asText());
        loaded.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } finally {
        eventListeners.remove(onLoad);
      }
      evaluate(session, "document.fonts ? document.fonts.ready.then(() => true) : true", true);
      return session;
    } catch (Exception e) {
      dropTab(); // start the next render from a fresh tab
      throw e;
    }
  }

  private BufferedImage capture(String url) throws Exception {
    String session = load(url);
    try {
      evaluate(session, DISABLE_ANIMATIONS_JS, false);
      JsonNode sizeValue = evaluate(session, PAGE_SIZE_JS, false);
      int w = VIEWPORT_WIDTH, h = VIEWPORT_HEIGHT;
      if (sizeValue != null && sizeValue.isTextual()) {
        JsonNode size = JSON.readTree(sizeValue.asText());
        w = Math.max(1, size.get("w").asInt());
        h = Math.max(1, size.get("h").asInt());
      }
      ObjectNode params = JSON.createObjectNode();
      params.put("format", "png");
      params.put("captureBeyondViewport", true);
      params.put("fromSurface", true);
      ObjectNode clip = params.putObject("clip");
      clip.put("x", 0).put("y", 0).put("width", w).put("height", h).put("scale", 1);
      String data = call(session, "Page.captureScreenshot", params).get("data").asText();
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(data)));
      if (img == null) throw new IOException("Chromium returned an unreadable PNG");
      return toRgb(img);
    } catch (Exception e) {
      dropTab(); // start the next render from a fresh tab
      throw e;
    }
  }

  static BufferedImage toRgb(BufferedImage img) {
    if (img.getType() == BufferedImage.TYPE_INT_RGB) return img;
    BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.drawImage(img, 0, 0, null);
    g.dispose();
    return rgb;
  }

  private JsonNode evaluate(String session, String expr, boolean awaitPromise) throws Exception {
    JsonNode r =
        call(session, "Runtime.evaluate", Map.of("expression", expr, "awaitPromise", awaitPromise, "returnByValue", true));
    if (r.has("exceptionDetails")) throw new IOException("script failed: " + r.get("exceptionDetails"));
    return r.path("result").get("value");
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
      ws.sendText(JSON.writeValueAsString(msg), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      JsonNode reply = f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
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
      System.err.println("[design2code] unreadable DevTools message: " + e.getMessage());
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

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    try {
      ws.sendText("{\"id\":0,\"method\":\"Browser.close\"}", true).get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // fall through to killing the process
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ws.abort();
    deleteTree(userDataDir);
  }

  static void deleteTree(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temporary profile directory
    }
  }
}
