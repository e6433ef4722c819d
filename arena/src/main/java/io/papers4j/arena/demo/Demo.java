package io.papers4j.arena.demo;

import io.papers4j.arena.web.ArenaConfig;
import java.nio.file.Path;
import java.util.List;

/** The embedded defaults of {@code papers4j arena serve} without {@code --config}. */
public final class Demo {
  private Demo() {}

  /** Trains the missing demo models (optionally with another step budget) and serves them. */
  public static LocalModels localModels(Path home, Long steps) {
    List<DemoModels.Spec> specs = DemoModels.defaults();
    if (steps != null) specs = specs.stream().map(s -> s.withSteps(steps)).toList();
    return LocalModels.start(DemoModels.ensure(DemoModels.modelsDir(home), specs));
  }

  /**
   * FastChat's defaults (ArenaConfig) with the local models, no moderation words, admin routes off,
   * and a short reply limit: these base models rarely stop on their own.
   */
  public static ArenaConfig config(LocalModels local, int maxTokens) {
    return new ArenaConfig(local.endpoints(), List.of(), null, 24_000, 50, 0.7, 1.0, maxTokens, 30);
  }
}
