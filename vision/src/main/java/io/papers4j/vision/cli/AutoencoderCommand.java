package io.papers4j.vision.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.gen.AutoencoderCheckpoint;
import io.papers4j.vision.gen.AutoencoderConfig;
import io.papers4j.vision.gen.AutoencoderKL;
import io.papers4j.vision.gen.AutoencoderTraining;
import io.papers4j.vision.gen.LabelledImages;
import io.papers4j.vision.gen.SampleGrid;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code papers4j autoencoder train|reconstruct}: the KL-regularised latent autoencoder of vision.gen. */
@Command(
    name = "autoencoder",
    mixinStandardHelpOptions = true,
    description = "A KL-regularised latent autoencoder (diffusers AutoencoderKL layout) for latent diffusion and flow models.",
    subcommands = {AutoencoderCommand.Train.class, AutoencoderCommand.Reconstruct.class})
public final class AutoencoderCommand implements CliCommand, Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Train an autoencoder on real images and save a checkpoint (config.json, model.safetensors, papers4j.json).")
  static final class Train implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "fashion-mnist", description = "fashion-mnist, shapes or emoji (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--latent-channels", defaultValue = "4", description = "Latent channels: 4, 8 or 16 in SD3's Table 3 (default ${DEFAULT-VALUE}).")
    int latentChannels;

    @Option(names = "--widths", defaultValue = "32,64,64", split = ",", description = "Block widths per level; n levels downsample by 2^(n-1) (default ${DEFAULT-VALUE}).")
    int[] widths;

    @Option(names = "--norm-groups", defaultValue = "8", description = "GroupNorm groups (default ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--kl-weight", defaultValue = "1e-6", description = "KL weight beta, LDM's reductions (default ${DEFAULT-VALUE}).")
    double klWeight;

    @Option(names = "--steps", defaultValue = "300", description = "Optimizer steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "32", description = "Images per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--train-images", defaultValue = "10000", description = "Training images taken from the data set (default ${DEFAULT-VALUE}).")
    int trainImages;

    @Option(names = "--test-images", defaultValue = "500", description = "Held-out images for the reported MSE/PSNR (default ${DEFAULT-VALUE}).")
    int testImages;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Checkpoint directory to write.")
    Path out;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init();
      LabelledImages.check(data);
      LabelledImages train = LabelledImages.load(data, true, trainImages, seed);
      LabelledImages test = LabelledImages.load(data, false, testImages, seed);
      AutoencoderConfig config = new AutoencoderConfig(train.channels(), widths, 1, latentChannels, groups, train.imageSize(), 1.0);
      AutoencoderTraining.Recipe recipe = new AutoencoderTraining.Recipe(steps, batch, lr, klWeight, seed);
      AutoencoderTraining.Run run = AutoencoderTraining.train(config, train, recipe, ProgressBar.detectMode(), precision.get());
      AutoencoderTraining.Metrics m = AutoencoderTraining.evaluate(run.model(), test.images());
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("steps", steps);
      cfg.put("batch", batch);
      cfg.put("lr", lr);
      cfg.put("kl_weight", klWeight);
      cfg.put("train_images", train.count());
      Map<String, Object> info = Checkpoint.runInfo(cfg, seed, data, steps);
      info.put("test_mse", m.mse());
      info.put("test_psnr_db", m.psnr());
      info.put("test_images", test.count());
      info.put("runtime_s", run.seconds());
      AutoencoderCheckpoint.save(out, run.model(), info);
      System.out.printf(Locale.ROOT, "saved %s: %d latent channels, f=%d, scaling factor %.4f, shift factor %.4f; held-out MSE %.5f, PSNR %.2f dB on %d %s images (%.0f s)%n",
          out, latentChannels, config.factor(), run.model().config().scalingFactor(), run.model().config().shiftFactor(), m.mse(), m.psnr(), test.count(), data, run.seconds());
      return 0;
    }
  }

  @Command(name = "reconstruct", mixinStandardHelpOptions = true,
      description = "Reconstruct held-out images through a trained autoencoder: print MSE/PSNR, write a grid (originals above reconstructions).")
  static final class Reconstruct implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Autoencoder checkpoint directory.")
    Path model;

    @Option(names = "--data", description = "fashion-mnist, shapes or emoji (default: the data set the model was trained on).")
    String data;

    @Option(names = "--n", defaultValue = "500", description = "Held-out images to measure (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--grid-columns", defaultValue = "8", description = "Images per grid row; the grid shows that many originals and their reconstructions (default ${DEFAULT-VALUE}).")
    int columns;

    @Option(names = "--out", description = "Grid PNG to write (optional).")
    Path out;

    @Option(names = "--each", description = "Also write one PNG per reconstruction into this directory (optional).")
    Path each;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of procedural data (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init();
      AutoencoderKL ae = AutoencoderCheckpoint.load(model);
      String set = data != null ? data : String.valueOf(Checkpoint.readRunInfo(model).getOrDefault("data", "fashion-mnist"));
      LabelledImages test = LabelledImages.load(set, false, n, seed);
      AutoencoderConfig c = ae.config();
      if (test.channels() != c.inChannels() || test.imageSize() % c.factor() != 0) {
        throw new IllegalArgumentException("this autoencoder takes " + c.inChannels() + "-channel images with sides divisible by " + c.factor() + " (trained at "
            + c.sampleSize() + "x" + c.sampleSize() + "); " + set + " has " + test.channels() + "x" + test.imageSize() + "x" + test.imageSize());
      }
      AutoencoderTraining.Metrics m;
      Tensor recon;
      int k = (int) Math.min(columns, test.count());
      Tensor originals = test.images().narrow(0, 0, k);
      try (Precision.Region cast = precision.autocast()) {
        m = AutoencoderTraining.evaluate(ae, test.images());
        recon = AutoencoderTraining.reconstruct(ae, originals).to(torch.ScalarType.Float);
      }
      System.out.printf(Locale.ROOT, "%s on %d held-out %s images: MSE %.5f, PSNR %.2f dB (latent %d x %d x %d)%n",
          model, test.count(), set, m.mse(), m.psnr(), c.latentChannels(), c.sampleSize() / c.factor(), c.sampleSize() / c.factor());
      if (out != null) {
        SampleGrid.write(torch.cat(new TensorVector(originals, recon), 0), out, k, false);
        System.out.println("wrote " + out);
      }
      if (each != null) {
        System.out.println("wrote " + SampleGrid.writeEach(recon, each, "reconstruction", false).size() + " PNGs to " + each);
      }
      return 0;
    }
  }

}
