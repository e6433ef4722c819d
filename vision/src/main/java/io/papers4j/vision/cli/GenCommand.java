package io.papers4j.vision.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.data.Papers4jHome;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.gen.EvalClassifier;
import io.papers4j.vision.gen.Evaluator;
import io.papers4j.vision.gen.LabelledImages;
import io.papers4j.vision.gen.SampleGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code papers4j gen classifier|score}: the evaluation network of the generative papers and FD/KID of a folder of PNGs. */
@Command(
    name = "gen",
    mixinStandardHelpOptions = true,
    description = "Evaluation for image generators: the feature classifier trained on real images, and FD-<dataset>/KID-<dataset> of generated PNGs.",
    subcommands = {GenCommand.Classifier.class, GenCommand.Score.class})
public final class GenCommand implements CliCommand, Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static class ClassifierOptions {
    @Option(names = "--data", defaultValue = "fashion-mnist", description = "fashion-mnist, shapes or emoji (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--steps", defaultValue = "600", description = "Classifier training steps at batch 128 (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--train-images", defaultValue = "60000", description = "Real training images (default ${DEFAULT-VALUE}).")
    int trainImages;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    EvalClassifier classifier() {
      LabelledImages.check(data);
      return EvalClassifier.cached(data, new EvalClassifier.Recipe(steps, 128, 1e-3, seed), trainImages, ProgressBar.detectMode());
    }
  }

  @Command(name = "classifier", mixinStandardHelpOptions = true,
      description = "Train (or load from the papers4j cache) the evaluation classifier of a data set and print its held-out accuracy per head.")
  static final class Classifier implements Callable<Integer> {
    @CommandLine.Mixin ClassifierOptions options = new ClassifierOptions();

    @Option(names = "--test-images", defaultValue = "10000", description = "Held-out images to score (default ${DEFAULT-VALUE}).")
    int testImages;

    @Override
    public Integer call() {
      Engine.init();
      long t0 = System.nanoTime();
      EvalClassifier clf = options.classifier();
      LabelledImages test = LabelledImages.load(options.data, false, testImages, options.seed);
      double[] acc = clf.accuracy(test);
      for (int k = 0; k < acc.length; k++) {
        System.out.printf(Locale.ROOT, "%s %s: held-out accuracy %.4f on %d images (%d classes)%n", clf.config().dataset(), clf.config().heads().get(k), acc[k],
            test.count(), clf.config().classes().get(k).size());
      }
      System.out.printf(Locale.ROOT, "classifier cached under %s (%.0f s)%n", Papers4jHome.resolve("gen", "eval-classifier"), (System.nanoTime() - t0) / 1e9);
      return 0;
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true,
      description = "FD-<dataset> and KID-<dataset> of a folder of generated PNGs (e.g. papers4j flow sample --each DIR) against held-out real images.")
  static final class Score implements Callable<Integer> {
    @CommandLine.Mixin ClassifierOptions options = new ClassifierOptions();

    @Option(names = "--images", required = true, description = "Folder of generated PNGs, all of the data set's size.")
    Path images;

    @Option(names = "--real", defaultValue = "2000", description = "Held-out real images to compare with (default ${DEFAULT-VALUE}).")
    int real;

    @Override
    public Integer call() throws IOException {
      Engine.init();
      if (!Files.isDirectory(images)) throw new IllegalArgumentException(images + ": no such folder");
      List<Path> files;
      try (Stream<Path> s = Files.list(images)) {
        files = s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
      }
      if (files.size() < 2) throw new IllegalArgumentException(images + ": needs at least 2 PNGs, found " + files.size());
      EvalClassifier clf = options.classifier();
      Tensor gen = SampleGrid.read(files, clf.config().channels());
      if (gen.size(2) != clf.config().imageSize() || gen.size(3) != clf.config().imageSize()) {
        throw new IllegalArgumentException(images + ": images are " + gen.size(3) + "x" + gen.size(2) + ", the " + clf.config().dataset() + " classifier takes "
            + clf.config().imageSize() + "x" + clf.config().imageSize());
      }
      LabelledImages test = LabelledImages.load(options.data, false, real, options.seed);
      Map<String, Double> m = new Evaluator(clf, test.images()).distances(gen, options.seed);
      System.out.printf(Locale.ROOT, "%d generated vs %d real images%n", files.size(), test.count());
      m.forEach((k, v) -> System.out.printf(Locale.ROOT, "%s %.4f%n", k, v));
      return 0;
    }
  }
}
