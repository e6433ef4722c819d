package io.papers4j.arena.demo;

import io.papers4j.core.io.Checkpoint;
import io.papers4j.lm.train.LmTrainOptions;
import io.papers4j.lm.train.LmTraining;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The two local models of the one-command demo ({@code papers4j arena serve} without a config):
 * small LLaMA-family LMs trained by papers4j itself on the KJV Bible (Debian {@code bible-kjv}),
 * nothing downloaded. On first start each missing model is trained for a short fixed number of
 * steps (progress on stderr) into {@code $PAPERS4J_HOME/arena/models/<name>}; later starts reuse
 * them. A model is trained into {@code <name>.partial} (an interrupted first start resumes from its
 * last checkpoint there) and renamed to {@code <name>} only when complete, so a half-trained model
 * is never served.
 */
public final class DemoModels {
  private DemoModels() {}

  /**
   * One demo model.
   *
   * @param name display name in the arena
   * @param preset {@code LlamaConfig} preset ("tiny" ≈ 1M parameters, "small" ≈ 7M with this vocabulary)
   * @param vocab BPE vocabulary (2048: the KJV tokenizer other experiments have cached)
   * @param steps optimizer updates
   * @param batch sequences per batch
   * @param seq tokens per sequence
   * @param lr peak learning rate
   * @param seed init, batches
   */
  public record Spec(String name, String preset, int vocab, long steps, int batch, int seq, double lr, long seed) {
    /** The same model with another step budget (tests, or a longer demo). */
    public Spec withSteps(long n) {
      return new Spec(name, preset, vocab, n, batch, seq, lr, seed);
    }

    LmTrainOptions options(Path out) {
      // warm-up 5%, cosine to 10%, clip 1.0, decay 0.1 (LLaMA's); eval at the end only; resume on
      return LmTrainOptions.builder(preset, steps, out).optVocab(vocab).optBatch(batch).optSeq(seq).optLr(lr)
          .optEvalEvery(steps).optEvalBatches(2).optCheckpointEvery(Math.max(1, steps / 4)).optSeed(seed)
          .optResume(true).build();
    }
  }

  /**
   * The defaults: two sizes and seeds with budgets of about the same wall time on 2 cores
   * (~1-2 minutes each on a quiet machine), so the arena has a clear but not certain favourite.
   */
  public static List<Spec> defaults() {
    return List.of(
        new Spec("kjv-tiny-1m", "tiny", 2048, 240, 16, 128, 3e-3, 1),
        new Spec("kjv-small-7m", "small", 2048, 40, 16, 128, 1e-3, 2));
  }

  /** {@code $PAPERS4J_HOME/arena/models}. */
  public static Path modelsDir(Path home) {
    return home.resolve("arena").resolve("models");
  }

  /** Whether {@code dir} holds a complete model directory (config, weights, tokenizer). */
  public static boolean ready(Path dir) {
    return Files.isRegularFile(dir.resolve(Checkpoint.CONFIG))
        && Files.isRegularFile(dir.resolve(Checkpoint.WEIGHTS))
        && Files.isRegularFile(dir.resolve("tokenizer.json"));
  }

  /** Trains every model of {@code specs} that {@code modelsDir} lacks; returns their directories. */
  public static List<Path> ensure(Path modelsDir, List<Spec> specs) {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      Spec s = specs.get(i);
      Path dir = modelsDir.resolve(s.name());
      if (!ready(dir)) {
        System.err.printf(Locale.ROOT, "arena demo: training local model %d of %d, %s (%s preset, %d steps, seed %d) into %s%n",
            i + 1, specs.size(), s.name(), s.preset(), s.steps(), s.seed(), dir);
        Path partial = modelsDir.resolve(s.name() + ".partial");
        long t0 = System.nanoTime();
        try {
          Files.createDirectories(modelsDir);
          LmTraining.train(s.options(partial));
          if (!ready(partial)) throw new IllegalStateException("training " + s.name() + " left no complete model in " + partial);
          if (Files.exists(dir)) deleteTree(dir); // an incomplete leftover of another version
          Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
          System.err.printf(Locale.ROOT, "arena demo: %s ready after %.0f s%n", s.name(), (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot train demo model " + s.name() + " into " + dir + ": " + e.getMessage(), e);
        }
      }
      out.add(dir);
    }
    return out;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
