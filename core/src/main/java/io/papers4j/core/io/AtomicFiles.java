package io.papers4j.core.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that readers see either the old or the whole new content, never a part: the
 * content goes to a hidden temporary file beside the target, which is then moved over it in one
 * atomic rename. A failure leaves the old file untouched, removes the temporary file and throws one
 * {@link CheckpointException} naming the target.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Fills the temporary file (e.g. {@code ImageIO.write(img, "png", tmp.toFile())}). */
  @FunctionalInterface
  public interface Content {
    void writeTo(Path tmp) throws IOException;
  }

  /** Writes {@code bytes} to a temporary file beside {@code file}, then moves it into place. */
  public static void write(Path file, byte[] bytes) {
    write(file, tmp -> Files.write(tmp, bytes));
  }

  public static void writeString(Path file, String text) {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code image} as a PNG to a temporary file beside {@code file}, then moves it into place. */
  public static void writePng(Path file, java.awt.image.RenderedImage image) {
    write(file, tmp -> {
      if (!javax.imageio.ImageIO.write(image, "png", tmp.toFile())) throw new IOException("no PNG writer available");
    });
  }

  /** Lets {@code content} fill a temporary file beside {@code file}, then moves it into place. */
  public static void write(Path file, Content content) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      content.writeTo(tmp);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
    } catch (IOException e) {
      throw CheckpointException.of(file, "cannot write: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort; the hidden temporary file is never read.
        }
      }
    }
  }
}
