package io.papers4j.design2code;

import io.papers4j.core.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Runs one prompting method over a set: for every page, the reference screenshot (and, for
 * self-revision, the previous output and its screenshot) go to the model; the cleaned answer is
 * written to {@code out/<id>.html}. Pages whose output exists are skipped (resumable).
 */
public final class Generator {
  public enum Method {
    DIRECT("direct"),
    TEXT("text"),
    REVISION("revision");
    public final String cli;

    Method(String cli) {
      this.cli = cli;
    }

    public static Method parse(String s) {
      for (Method m : values()) if (m.cli.equalsIgnoreCase(s)) return m;
      throw new IllegalArgumentException("unknown method '" + s + "': use direct, text or revision");
    }
  }

  private final ChatClient client;
  private final Chromium browser;

  public Generator(ChatClient client, Chromium browser) {
    this.client = client;
    this.browser = browser;
  }

  /** Returns the ids written. {@code previous} is the text-augmented output directory (revision only). */
  public List<String> run(Path set, Method method, Path out, Path previous) throws IOException, InterruptedException {
    List<BenchmarkSet.Entry> entries = BenchmarkSet.read(set);
    Files.createDirectories(out);
    BenchmarkSet.writePlaceholder(out.resolve(BenchmarkSet.PLACEHOLDER));
    List<String> written = new ArrayList<>();
    for (BenchmarkSet.Entry e : entries) {
      Path target = out.resolve(e.id() + ".html");
      if (Files.exists(target)) continue;
      byte[] refPng = Files.readAllBytes(set.resolve(e.id() + ".png"));
      String refHtml = Files.readString(set.resolve(e.id() + ".html"), StandardCharsets.UTF_8);
      List<ChatClient.Part> parts = new ArrayList<>();
      switch (method) {
        case DIRECT -> {
          parts.add(ChatClient.Part.text(Prompts.direct()));
          parts.add(ChatClient.Part.image(refPng));
        }
        case TEXT -> {
          parts.add(ChatClient.Part.text(Prompts.textAugmented(Prompts.visibleTexts(refHtml))));
          parts.add(ChatClient.Part.image(refPng));
        }
        case REVISION -> {
          if (previous == null) throw new IllegalArgumentException("self-revision needs --initial DIR (the text-augmented outputs)");
          Path prev = previous.resolve(e.id() + ".html");
          if (!Files.isRegularFile(prev)) throw new IOException("no initial output to revise: " + prev);
          BufferedImage prevShot = browser.screenshot(prev);
          parts.add(ChatClient.Part.text(Prompts.revision(Files.readString(prev, StandardCharsets.UTF_8), Prompts.visibleTexts(refHtml))));
          parts.add(ChatClient.Part.text("Reference Webpage:"));
          parts.add(ChatClient.Part.image(refPng));
          parts.add(ChatClient.Part.text("Current Webpage:"));
          parts.add(ChatClient.Part.image(png(prevShot)));
        }
      }
      String html = Prompts.cleanupResponse(client.complete(parts));
      AtomicFiles.write(target, html.getBytes(StandardCharsets.UTF_8));
      written.add(e.id());
    }
    return written;
  }

  static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    ImageIO.write(img, "png", bos);
    return bos.toByteArray();
  }
}
