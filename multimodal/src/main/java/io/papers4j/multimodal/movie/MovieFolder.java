package io.papers4j.multimodal.movie;

import io.papers4j.multimodal.vlm.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reading movie folders ({@code plot.json} + {@code frames/*.png}, as {@link MovieMaker#write} makes them) back. */
public final class MovieFolder {
  private MovieFolder() {}

  /** A movie: its plot and frames in order. */
  public record Movie(Path dir, Plot plot, List<BufferedImage> frames) {}

  /** One movie folder, with a clear message when it is incomplete. */
  public static Movie read(Path dir) {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("movie folder not found: " + dir);
    Plot plot = Plot.read(dir.resolve("plot.json"));
    Path frames = dir.resolve("frames");
    if (!Files.isDirectory(frames)) throw new IllegalArgumentException(dir + " has no frames/ folder");
    List<Path> files;
    try (Stream<Path> s = Files.list(frames)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list " + frames + ": " + e.getMessage());
    }
    if (files.size() != plot.frames().size()) {
      throw new IllegalArgumentException(dir + ": plot.json has " + plot.frames().size() + " frames but frames/ holds " + files.size() + " PNGs");
    }
    List<BufferedImage> imgs = new ArrayList<>();
    for (Path f : files) imgs.add(Images.read(f));
    return new Movie(dir, plot, imgs);
  }

  /** Every movie folder directly under {@code root} (sorted by name). */
  public static List<Movie> readAll(Path root) {
    if (!Files.isDirectory(root)) throw new IllegalArgumentException("data folder not found: " + root);
    List<Path> dirs;
    try (Stream<Path> s = Files.list(root)) {
      dirs = s.filter(p -> Files.isRegularFile(p.resolve("plot.json"))).sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list " + root + ": " + e.getMessage());
    }
    if (dirs.isEmpty()) throw new IllegalArgumentException(root + " holds no movie folders (sub-folders with plot.json); make some with 'papers4j movie dataset'");
    List<Movie> out = new ArrayList<>();
    for (Path d : dirs) out.add(read(d));
    return out;
  }
}
