package io.papers4j.multimodal.movie;

import io.papers4j.core.io.AnimatedGif;
import io.papers4j.core.io.AtomicFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;

/**
 * Keyframes for a plot and the movie folder: {@code frames/frame_000.png …}, {@code plot.json},
 * {@code movie.gif} (looping, 600 ms per frame) and {@code contact.png} (all frames in a grid).
 */
public final class MovieMaker {
  /** How frame prompts name the style. */
  public enum Prompting {
    /** "a picture in {keyword} style: …" — with a learned row this is style immobilisation. */
    KEYWORD,
    /** "a picture in {palette} tones, {texture} texture, {outline} outlines style: …" — the detailed description. */
    DESCRIPTION
  }

  private MovieMaker() {}

  /** The prompt of frame {@code f}. */
  public static String prompt(Plot plot, Plot.Frame f, Prompting how) {
    return how == Prompting.KEYWORD ? plot.prompt(f) : "a picture in " + StoryWorld.style(plot.style().keyword()).description() + " style: " + f.description();
  }

  /**
   * Renders every frame of {@code plot} with the keyframe model; {@code style} is the learned keyword
   * row (null: the encoder's own row). Frame i uses noise seed {@code seed + i}.
   */
  public static List<BufferedImage> keyframes(KeyframeDit model, TextFeatures text, Plot plot, StyleInversion.Learned style, Prompting how,
      int steps, double cfg, long seed) {
    List<Plot.Frame> frames = plot.frames();
    List<BufferedImage> out = new ArrayList<>();
    for (int start = 0; start < frames.size(); start += 32) {
      try (PointerScope scope = new PointerScope()) {
        int n = Math.min(32, frames.size() - start);
        List<String> prompts = new ArrayList<>();
        long[] seeds = new long[n];
        for (int i = 0; i < n; i++) {
          prompts.add(prompt(plot, frames.get(start + i), how));
          seeds[i] = seed + start + i;
        }
        TextFeatures.Encoded c = style != null && how == Prompting.KEYWORD ? style.encode(text, prompts) : text.encode(prompts);
        out.addAll(KeyframeSampler.toImages(KeyframeSampler.sample(model, c, text.nullCondition(n), seeds, steps, cfg)));
      }
    }
    return out;
  }

  /** The same movie drawn by the procedural renderer in the keyword's style (ground truth, "real" movies). */
  public static List<BufferedImage> rendered(Plot plot, int size, long seed) {
    StoryWorld.Style st = StoryWorld.style(plot.style().keyword());
    List<BufferedImage> out = new ArrayList<>();
    List<Plot.Frame> frames = plot.frames();
    for (int i = 0; i < frames.size(); i++) out.add(KeyframeRenderer.render(frames.get(i), st, size, seed + i));
    return out;
  }

  /** Writes the movie folder. */
  public static void write(Path dir, Plot plot, List<BufferedImage> frames) {
    try {
      Files.createDirectories(dir.resolve("frames"));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create " + dir + ": " + e.getMessage());
    }
    for (int i = 0; i < frames.size(); i++) AtomicFiles.writePng(dir.resolve("frames").resolve(String.format(Locale.ROOT, "frame_%03d.png", i)), frames.get(i));
    plot.write(dir.resolve("plot.json"));
    List<BufferedImage> big = new ArrayList<>();
    for (BufferedImage f : frames) big.add(f);
    AnimatedGif.write(dir.resolve("movie.gif"), big, 600, 4);
    AtomicFiles.writePng(dir.resolve("contact.png"), contactSheet(frames, Math.min(frames.size(), 6), 3));
  }

  /** Frames in rows of {@code cols}, each scaled by {@code scale}, 2-px white gaps. */
  public static BufferedImage contactSheet(List<BufferedImage> frames, int cols, int scale) {
    if (frames.isEmpty()) throw new IllegalArgumentException("no frames");
    int w = frames.get(0).getWidth() * scale, h = frames.get(0).getHeight() * scale, gap = 2;
    int rows = (frames.size() + cols - 1) / cols;
    BufferedImage sheet = new BufferedImage(cols * (w + gap) - gap, rows * (h + gap) - gap, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
    for (int i = 0; i < frames.size(); i++) g.drawImage(frames.get(i), (i % cols) * (w + gap), (i / cols) * (h + gap), w, h, null);
    g.dispose();
    return sheet;
  }

  /** Rows of frames (e.g. one movie per row) stacked into one sheet. */
  public static BufferedImage stack(List<BufferedImage> rows) {
    int w = rows.stream().mapToInt(BufferedImage::getWidth).max().orElse(1), gap = 6;
    int h = rows.stream().mapToInt(BufferedImage::getHeight).sum() + gap * (rows.size() - 1);
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    int y = 0;
    for (BufferedImage r : rows) {
      g.drawImage(r, 0, y, null);
      y += r.getHeight() + gap;
    }
    g.dispose();
    return out;
  }
}
