package io.papers4j.multimodal.cli;

import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.multimodal.infimm.Documents;
import io.papers4j.multimodal.infimm.Tiling;
import io.papers4j.multimodal.vlm.Clip;
import io.papers4j.multimodal.vlm.ClipTraining;
import io.papers4j.multimodal.vlm.Images;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code papers4j clip train|score}: the small in-project CLIP (a stand-in for OpenAI CLIP, not OpenAI's weights). */
@Command(
    name = "clip",
    mixinStandardHelpOptions = true,
    description = "Small CLIP trained here (image + text towers, contrastive loss, learned temperature); the in-project stand-in for OpenAI CLIP.",
    subcommands = {ClipCommand.Train.class, ClipCommand.Score.class})
public final class ClipCommand extends ParentCommand implements CliCommand {

  /** An image file (any size) as the CLIP's square input. */
  static Tensor input(Clip clip, java.awt.image.BufferedImage img) {
    return Tiling.resize(Tiling.padToSquare(Images.toTensor(img)), clip.config().vision().baseResolution()).unsqueeze(0);
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Train on rendered documents and their captions (colour, shapes, count).")
  static final class Train implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Model directory to write.")
    Path out;

    @Option(names = "--steps", defaultValue = "300", description = "Steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "32", description = "Pairs per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init(2);
      Engine.seed(seed);
      if (batch < 2) throw new IllegalArgumentException("--batch must be >= 2 (the loss contrasts pairs within a batch)");
      Clip clip = new Clip(Clip.Config.small(), seed);
      ClipTraining.Data data = step -> {
        List<Tensor> imgs = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
          Documents.Sample s = Documents.sample(seed * 7_919L + (long) step * batch + b, 32, 96, null);
          imgs.add(input(clip, s.image()));
          caps.add(s.caption());
        }
        return new ClipTraining.Batch(torch.cat(new TensorVector(imgs.toArray(new Tensor[0]))), caps);
      };
      double[] losses;
      try (ProgressBar bar = new ProgressBar("clip train", steps, "pair")) {
        losses = ClipTraining.train(clip, data, steps, (s, l) -> bar.update(s, l, batch), precision.get());
      }
      clip.save(out, Map.of("steps", steps, "batch", batch, "seed", seed, "final_loss", losses[steps - 1]));
      System.out.printf(Locale.ROOT, "clip: %d steps, loss %.3f → %.3f (chance ln %d = %.3f); saved %s%n",
          steps, losses[0], losses[steps - 1], batch, Math.log(batch), out);
      return 0;
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true, description = "CLIP score (100 · cosine, clipped at 0) of an image and a text.")
  static final class Score implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory from clip train.")
    Path model;

    @Option(names = "--image", required = true, description = "Image file (PNG, JPEG, GIF, BMP).")
    Path image;

    @Option(names = "--text", required = true, arity = "1..*", description = "One or more texts.")
    List<String> texts;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init(2);
      Clip clip = Clip.load(model);
      Tensor img = input(clip, Images.read(image));
      try (NoGradGuard ng = new NoGradGuard(); var cast = precision.autocast()) {
        for (String t : texts) {
          double s = clip.score(img, clip.encodeText(List.of(t))).item_double();
          System.out.printf(Locale.ROOT, "%.2f\t%s%n", s, t);
        }
      }
      return 0;
    }
  }
}
