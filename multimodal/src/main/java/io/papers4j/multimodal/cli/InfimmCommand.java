package io.papers4j.multimodal.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.multimodal.infimm.InfimmConfig;
import io.papers4j.multimodal.infimm.InfimmModel;
import io.papers4j.multimodal.infimm.InfimmServer;
import io.papers4j.multimodal.infimm.InfimmTraining;
import io.papers4j.multimodal.vlm.Images;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code papers4j infimm train|ask|serve}. */
@Command(
    name = "infimm",
    mixinStandardHelpOptions = true,
    description = "InfiMM-HD (arXiv 2403.01487): tiles + thumbnail + 2-D tile embeddings, gated cross-attention, four training stages.",
    subcommands = {InfimmCommand.Train.class, InfimmCommand.Ask.class, InfimmCommand.Serve.class})
public final class InfimmCommand extends ParentCommand implements CliCommand {

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Run one training stage (1 PT, 2 CPT, 3 DRA, 4 IFT) on rendered documents.")
  static final class Train implements Callable<Integer> {
    @Option(names = "--stage", required = true, description = "1, 2, 3 or 4 (Tab. 8).")
    int stage;

    @Option(names = "--init-from", description = "Model directory of the previous stage (default: fresh weights).")
    Path initFrom;

    @Option(names = "--out", required = true, description = "Model directory to write.")
    Path out;

    @Option(names = "--size", defaultValue = "quick", description = "quick (half-width, tile 32) or paper (the §4(e) sizes, tile 64) for fresh weights (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--steps", defaultValue = "300", description = "Optimiser steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "Documents per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
      Engine.init(threads);
      Engine.seed(seed);
      InfimmModel model = initFrom != null ? InfimmModel.load(initFrom, null) : new InfimmModel(config(size), seed);
      int side = model.config().tile();
      InfimmTraining.Options o = new InfimmTraining.Options(stage, steps, batch, seed, side, side * model.config().maxGrid());
      double[] losses;
      try (ProgressBar bar = new ProgressBar("infimm stage " + stage, steps, "doc")) {
        losses = InfimmTraining.train(model, o, (s, loss) -> bar.update(s, loss, batch), precision.get());
      }
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("stage", stage);
      info.put("steps", steps);
      info.put("batch", batch);
      info.put("seed", seed);
      info.put("resolution", InfimmTraining.resolution(stage).name().toLowerCase(Locale.ROOT));
      info.put("final_loss", losses[losses.length - 1]);
      model.save(out, info);
      System.out.printf(Locale.ROOT, "stage %d: %d steps, loss %.3f → %.3f; saved %s%n", stage, steps, losses[0], losses[losses.length - 1], out);
      return 0;
    }
  }

  static InfimmConfig config(String size) {
    return switch (size) {
      case "quick" -> InfimmConfig.quick();
      case "paper" -> InfimmConfig.paperScale();
      default -> throw new IllegalArgumentException("--size must be quick or paper, got " + size);
    };
  }

  static InfimmModel.Resolution resolution(String r) {
    return switch (r) {
      case "base" -> InfimmModel.Resolution.BASE;
      case "fixed" -> InfimmModel.Resolution.FIXED;
      case "dynamic" -> InfimmModel.Resolution.DYNAMIC;
      default -> throw new IllegalArgumentException("--resolution must be base, fixed or dynamic, got " + r);
    };
  }

  @Command(name = "ask", mixinStandardHelpOptions = true, description = "Answer a question about an image (PNG, JPEG, GIF, BMP; any size).")
  static final class Ask implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory.")
    Path model;

    @Option(names = "--image", required = true, description = "Image file.")
    Path image;

    @Option(names = "--question", required = true, description = "The question, e.g. \"text at top?\".")
    String question;

    @Option(names = "--resolution", defaultValue = "dynamic", description = "base, fixed or dynamic (default ${DEFAULT-VALUE}).")
    String resolution;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init(2);
      if (question.isBlank()) throw new IllegalArgumentException("--question is empty");
      InfimmModel.Resolution r = resolution(resolution);
      InfimmModel m = InfimmModel.load(model, null);
      String answer;
      try (Precision.Region cast = precision.autocast()) {
        answer = m.answer(Images.toTensor(Images.read(image)), question, r, 16);
      }
      System.out.println(answer);
      return 0;
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "OpenAI-compatible chat endpoint (POST /v1/chat/completions with image_url data: URLs).")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory.")
    Path model;

    @Option(names = "--port", defaultValue = "8000", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--resolution", defaultValue = "dynamic", description = "base, fixed or dynamic (default ${DEFAULT-VALUE}).")
    String resolution;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() throws Exception {
      Engine.init(2);
      Precision p = precision.get();
      InfimmModel m = InfimmModel.load(model, null);
      new InfimmServer("infimm-hd", m, resolution(resolution), p).create().start(port);
      System.err.println("infimm serve: http://localhost:" + port + "/v1/chat/completions");
      Thread.currentThread().join();
      return 0;
    }
  }
}
