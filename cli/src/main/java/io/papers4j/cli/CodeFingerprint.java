package io.papers4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which code a reproduction ran: a SHA-256 over the main sources and {@code pom.xml} of its module
 * and of every papers4j module it depends on (read from the poms), plus the root {@code pom.xml}.
 * The same sources give the same fingerprint whatever the build's timestamps or the git history;
 * any edit to the code the system runs gives another. The module is found from where the class was
 * loaded ({@code <root>/<module>/target/classes} or {@code <root>/<module>/target/*.jar}); where
 * that is not a papers4j checkout the fingerprint is {@link #UNKNOWN} and never matches.
 */
final class CodeFingerprint {
  static final String UNKNOWN = "unknown";
  private static final Pattern DEPENDENCY = Pattern.compile("<artifactId>papers4j-([a-z0-9-]+)</artifactId>");

  private CodeFingerprint() {}

  /** The fingerprint of the code {@code c} belongs to, or {@link #UNKNOWN}. */
  static String of(Class<?> c) {
    Path moduleDir = moduleDir(c);
    if (moduleDir == null) return UNKNOWN;
    return of(moduleDir.getParent(), moduleDir.getFileName().toString());
  }

  /** The fingerprint of {@code module} (a directory under {@code root}) and its papers4j dependencies. */
  static String of(Path root, String module) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      add(sha, root, root.resolve("pom.xml"));
      for (String m : withDependencies(root, module)) {
        Path dir = root.resolve(m);
        add(sha, root, dir.resolve("pom.xml"));
        Path src = dir.resolve("src/main");
        if (!Files.isDirectory(src)) continue;
        List<Path> files;
        try (Stream<Path> s = Files.walk(src)) {
          files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) add(sha, root, f);
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sources of " + module + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code module} and the papers4j modules it needs, directly or through another, sorted. */
  static TreeSet<String> withDependencies(Path root, String module) throws IOException {
    TreeSet<String> seen = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(module));
    while (!todo.isEmpty()) {
      String m = todo.pop();
      if (!seen.add(m)) continue;
      Path pom = root.resolve(m).resolve("pom.xml");
      if (!Files.isRegularFile(pom)) continue;
      Matcher d = DEPENDENCY.matcher(Files.readString(pom));
      while (d.find()) {
        String dep = d.group(1);
        if (!dep.equals("parent") && !dep.equals(m) && Files.isDirectory(root.resolve(dep))) todo.push(dep);
      }
    }
    return seen;
  }

  /** The module directory a class was loaded from, or null outside a papers4j checkout. */
  static Path moduleDir(Class<?> c) {
    try {
      var source = c.getProtectionDomain().getCodeSource();
      if (source == null) return null;
      Path loc = Path.of(source.getLocation().toURI()).toAbsolutePath(); // …/<module>/target/{classes,x.jar}
      Path target = loc.getParent();
      if (target == null || !target.getFileName().toString().equals("target")) return null;
      Path module = target.getParent();
      if (module == null || module.getParent() == null) return null;
      return Files.isRegularFile(module.resolve("pom.xml")) && Files.isDirectory(module.resolve("src/main")) ? module : null;
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  private static void add(MessageDigest sha, Path root, Path file) throws IOException {
    if (!Files.isRegularFile(file)) return;
    sha.update(root.relativize(file).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(Files.readAllBytes(file));
    sha.update((byte) 0);
  }
}
