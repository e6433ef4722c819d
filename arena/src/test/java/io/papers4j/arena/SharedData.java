package io.papers4j.arena;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code shared/data/…} next to the checkout (CI) or at /work/shared (developer machines). */
public final class SharedData {
  private SharedData() {}

  /** The path, or null when no shared/ directory holds it. */
  public static Path find(String relative) {
    String env = System.getenv("PAPERS4J_SHARED");
    if (env != null && Files.exists(Path.of(env, relative))) return Path.of(env, relative);
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path p = d.resolve("shared").resolve(relative);
      if (Files.exists(p)) return p;
    }
    Path w = Path.of("/work/shared", relative);
    return Files.exists(w) ? w : null;
  }

  public static Path arenaHardBattles() {
    return find("data/arena-hard-v0.1/battles.jsonl");
  }
}
