package io.papers4j.vision.pixart;

import io.papers4j.core.report.LineChart;
import io.papers4j.core.report.Plot;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.LossLog;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.gen.AutoencoderConfig;
import io.papers4j.vision.gen.AutoencoderTraining;
import io.papers4j.vision.gen.EvalClassifier;
import io.papers4j.vision.gen.LabelledImages;
import io.papers4j.vision.gen.LatentSpace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Part {@code w2s} of {@code reproduce pixart-sigma}: PixArt-Σ's weak-to-strong steps as adaptation
 * curves, each adapted model against the same model trained from scratch at the new setting, on the
 * same batches, noise and caption dropout:
 *
 * <ol>
 *   <li><b>resolution</b>: a weak model trained at a low resolution (Fashion-MNIST average-pooled to
 *       {@code lowSize}, patch 2) is adapted to 28×28 (4× the tokens) with PE interpolation (every
 *       weight copied, the position table keeps the weak model's base_size);
 *   <li><b>VAE</b>: two {@link io.papers4j.vision.gen.AutoencoderKL}s of the same shape trained from
 *       different seeds (SD 1.5's VAE → SDXL's in the paper: the same channel count, another latent
 *       space); a weak model trained on the first one's latents is adapted to the second's (every
 *       weight copied);
 *   <li><b>captions</b>: longer, richer captions (32 tokens) starting from the 28×28 model the
 *       resolution step trained from scratch (short captions) vs from scratch, validation loss.
 * </ol>
 *
 * Curves: FD-FashionMNIST (and conditional accuracy) of class-balanced samples every {@code
 * steps/points} steps (and at step 0 for the adapted model, i.e. zero-shot after the transfer), one
 * sampling seed. "Steps to reach" = the first scored step at which the adapted model's FD is at or
 * below the from-scratch model's final FD. The paper ([2nd]): after a new VAE the model converges
 * in about 2K steps, after PE interpolation it is usable in about 100 steps and converges in about
 * 1K, i.e. far sooner than training at the new setting from scratch.
 */
final class WeakToStrongCurves {
  private WeakToStrongCurves() {}

  static final long SAMPLE_SEED = 1;

  /**
   * @param lowSize the weak model's image side for the resolution step (14: 7×7 = 49 tokens → 14×14 = 196)
   * @param weakSteps training steps of each weak model
   * @param steps training steps of every adapted and from-scratch arm
   * @param points scored points per arm (every steps/points steps)
   * @param samples samples per score (one sampling seed)
   * @param aeWidths widths of both autoencoders (3 levels: f = 4, 28 px → 7×7)
   * @param aeLatent their latent channels
   * @param aeSteps optimizer steps of each autoencoder (batch 32)
   * @param vaeImages training images of the VAE step (encoded by both autoencoders)
   * @param captionSteps steps of each caption arm
   * @param vae whether the VAE step runs
   */
  record Sizes(int lowSize, long weakSteps, long steps, int points, int samples, int[] aeWidths, int aeLatent, int aeSteps, int vaeImages,
      long captionSteps, boolean vae) {
    Sizes {
      if (lowSize < 2 || 28 % lowSize != 0 || lowSize % 2 != 0) throw new IllegalArgumentException("low size must be an even divisor of 28, got " + lowSize);
      if (points < 1 || steps < points) throw new IllegalArgumentException("need 1 <= points <= steps");
    }

    long[] scoredSteps() {
      long[] at = new long[points];
      for (int i = 0; i < points; i++) at[i] = steps * (i + 1) / points;
      return at;
    }
  }

  /** One scored point of a curve. */
  record Point(long step, double fd, double accuracy) {}

  /** A trained arm: its scored points, training ms/step (scoring excluded) and final validation loss. */
  record Curve(List<Point> points, double msPerStep, double valLoss) {
    double finalFd() {
      return points.get(points.size() - 1).fd();
    }
  }

  /** One adaptation: the weak model's training, both arms, and what they mean. */
  record Adaptation(String name, long weakSteps, double weakMsPerStep, Curve adapted, Curve scratch, Map<String, Object> extra) {
    /** The first scored step at which the adapted FD is at or below the from-scratch model's final FD, or -1. */
    long stepsToScratchFinal() {
      for (Point p : adapted.points()) if (p.fd() <= scratch.finalFd()) return p.step();
      return -1;
    }

    boolean reachedInFewerSteps() {
      long s = stepsToScratchFinal();
      return s >= 0 && s < scratch.points().get(scratch.points().size() - 1).step();
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("weak_steps", weakSteps);
      m.put("weak_train_ms_per_step", weakMsPerStep);
      m.put("adapted", points(adapted));
      m.put("scratch", points(scratch));
      m.put("adapted_train_ms_per_step", adapted.msPerStep());
      m.put("scratch_train_ms_per_step", scratch.msPerStep());
      m.put("adapted_val_loss", adapted.valLoss());
      m.put("scratch_val_loss", scratch.valLoss());
      m.put("scratch_final_fd", scratch.finalFd());
      m.put("adapted_steps_to_scratch_final_fd", stepsToScratchFinal());
      Map<String, Double> gap = new LinkedHashMap<>();
      for (Point s : scratch.points()) {
        for (Point a : adapted.points()) if (a.step() == s.step()) gap.put(String.valueOf(s.step()), a.fd() - s.fd());
      }
      m.put("fd_gap_adapted_minus_scratch", gap);
      m.putAll(extra);
      return m;
    }

    private static List<List<Double>> points(Curve c) {
      return c.points().stream().map(p -> List.of((double) p.step(), p.fd(), p.accuracy())).toList();
    }
  }

  /** Everything part w2s measured. */
  record Results(List<Adaptation> adaptations, Map<String, List<LossLog.EvalPoint>> captions) {}

  /**
   * Runs the part. {@code data} is the 28×28 short-caption training set, {@code cfg} the 28×28 model
   * of the preset, {@code clf} the evaluation classifier, {@code real} held-out images in [0, 1].
   */
  static Results run(Sizes s, PixArtConfig cfg, PixArtData data, PixArtData longData, EvalClassifier clf, Tensor real, int sampleSteps,
      double guidance, long seed, Path work, ProgressBar.Mode mode) {
    Caption classes = data.caption(PixArtData.balanced(10, 10));
    List<Adaptation> out = new ArrayList<>();

    // 1. low → high resolution with PE interpolation
    PixArt shortCaptions; // the from-scratch 28×28 model: the weak model of the caption step
    {
      int f = 28 / s.lowSize();
      PixArtData low = data.withInputs(pool(data.trainInputs(), f), pool(data.testInputs(), f));
      PixArtConfig lowCfg = cfg.withSize(s.lowSize(), cfg.patchSize(), cfg.hiddenSize(), cfg.depth(), cfg.numHeads()); // base_size = low grid
      PixArt weak = new PixArt(lowCfg, seed + 10, "avg");
      PixArtTraining.Run w = PixArtTraining.train(weak, low, PixArtTraining.Recipe.of(s.weakSteps(), seed + 10), work.resolve("w2s-res-weak"), mode, 0, 4);
      PixArtEval eval = new PixArtEval(clf, real, classes, null);
      PixArt adapted = new PixArt(lowCfg.withInput(28, 1), seed + 11, "avg"); // keeps the weak base_size: positions interpolated
      WeakToStrong.transfer(weak, adapted);
      PixArt scratch = new PixArt(cfg, seed + 11, "avg");
      Curve a = curve(adapted, data, eval, s, sampleSteps, guidance, seed + 12, true, work.resolve("w2s-res-adapted"), mode);
      Curve b = curve(scratch, data, eval, s, sampleSteps, guidance, seed + 12, false, work.resolve("w2s-res-scratch"), mode);
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("weak_image_size", s.lowSize());
      extra.put("weak_tokens", lowCfg.grid() * lowCfg.grid());
      extra.put("strong_tokens", cfg.grid() * cfg.grid());
      out.add(new Adaptation("resolution", w.result().steps(), w.result().msPerStep(), a, b, extra));
      shortCaptions = scratch;
    }

    // 2. a new autoencoder: the same shape, another seed, another latent space
    if (s.vae()) {
      LabelledImages aeData = LabelledImages.load("fashion-mnist", true, s.vaeImages(), seed);
      AutoencoderConfig ac = new AutoencoderConfig(1, s.aeWidths(), 1, s.aeLatent(), 8, 28, 1.0);
      LatentSpace[] spaces = new LatentSpace[2];
      double[] aeSeconds = new double[2];
      for (int i = 0; i < 2; i++) {
        AutoencoderTraining.Run r = AutoencoderTraining.train(ac, aeData, new AutoencoderTraining.Recipe(s.aeSteps(), 32, 1e-3, 1e-6, seed + 20 + i), mode);
        spaces[i] = new LatentSpace(null, r.model());
        aeSeconds[i] = r.seconds();
      }
      Tensor train = data.trainInputs().narrow(0, 0, Math.min(s.vaeImages(), data.trainInputs().size(0)));
      Tensor trainLabels = data.trainLabels().narrow(0, 0, train.size(0));
      PixArtData inA = data.withInputs(spaces[0].encode(train), trainLabels, spaces[0].encode(data.testInputs()));
      PixArtData inB = data.withInputs(spaces[1].encode(train), trainLabels, spaces[1].encode(data.testInputs()));
      int side = spaces[0].shape(28)[1];
      PixArtConfig latCfg = cfg.withSize(side, 1, cfg.hiddenSize(), cfg.depth(), cfg.numHeads()).withInput(side, s.aeLatent());
      PixArt weak = new PixArt(latCfg, seed + 13, "avg");
      PixArtTraining.Run w = PixArtTraining.train(weak, inA, PixArtTraining.Recipe.of(s.weakSteps(), seed + 13), work.resolve("w2s-vae-weak"), mode, 0, 4);
      PixArtEval eval = new PixArtEval(clf, real, classes, spaces[1]);
      PixArt adapted = new PixArt(latCfg, seed + 14, "avg");
      WeakToStrong.transfer(weak, adapted);
      PixArt scratch = new PixArt(latCfg, seed + 14, "avg");
      Curve a = curve(adapted, inB, eval, s, sampleSteps, guidance, seed + 15, true, work.resolve("w2s-vae-adapted"), mode);
      Curve b = curve(scratch, inB, eval, s, sampleSteps, guidance, seed + 15, false, work.resolve("w2s-vae-scratch"), mode);
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("latent_shape", List.of(s.aeLatent(), side, side));
      extra.put("autoencoder_train_s", List.of(aeSeconds[0], aeSeconds[1]));
      extra.put("training_images", train.size(0));
      try (PointerScope scope = new PointerScope()) {
        Tensor recon = PixArtData.toUnit(spaces[1].decode(spaces[1].encode(PixArtData.toSigned(real))));
        extra.put("new_autoencoder_reconstruction_fd", eval.evaluator().distances(recon, seed).get(eval.evaluator().fdName()));
      }
      out.add(new Adaptation("vae", w.result().steps(), w.result().msPerStep(), a, b, extra));
    }

    // 3. longer captions, from a weak model vs from scratch (validation loss)
    Map<String, List<LossLog.EvalPoint>> captions = new LinkedHashMap<>();
    {
      PixArtConfig longCfg = cfg.withText(longData.captionTokens());
      for (String from : new String[] {"from_weak", "from_scratch"}) {
        PixArt m = new PixArt(longCfg, seed + 17, "avg");
        if (from.equals("from_weak")) WeakToStrong.transfer(shortCaptions, m);
        PixArtTraining.Run r = PixArtTraining.train(m, longData, PixArtTraining.Recipe.of(s.captionSteps(), seed + 17), work.resolve("w2s-cap-" + from),
            mode, (int) Math.max(1, s.captionSteps() / 4), 4);
        captions.put(from, r.result().eval());
      }
    }
    return new Results(out, captions);
  }

  /**
   * Trains {@code m} for {@code s.steps()} steps and scores it (FD, conditional accuracy) at every
   * scored step, and before training when {@code atZero}. Scoring time is excluded from ms/step.
   */
  static Curve curve(PixArt m, PixArtData data, PixArtEval eval, Sizes s, int sampleSteps, double guidance, long seed, boolean atZero, Path work,
      ProgressBar.Mode mode) {
    List<Point> points = new ArrayList<>();
    String fd = eval.evaluator().fdName();
    java.util.function.LongConsumer score = step -> {
      Map<String, Double> r = eval.score(m, s.samples(), sampleSteps, guidance, SAMPLE_SEED, null);
      points.add(new Point(step, r.get(fd), r.getOrDefault("conditional-accuracy", Double.NaN)));
    };
    if (atZero) score.accept(0); // before the training clock starts
    java.util.Set<Long> at = new java.util.HashSet<>();
    for (long x : s.scoredSteps()) at.add(x);
    double[] scoringS = {0};
    PixArtTraining.Run r = PixArtTraining.train(m, data, PixArtTraining.Recipe.of(s.steps(), seed), work, mode, 0, 4, Double.POSITIVE_INFINITY,
        Precision.F32, done -> {
          if (!at.contains(done)) return;
          long t0 = System.nanoTime();
          score.accept(done);
          scoringS[0] += (System.nanoTime() - t0) / 1e9;
        });
    return new Curve(points, 1000 * (r.seconds() - scoringS[0]) / r.result().steps(), r.result().finalValLoss());
  }

  /** (N, 1, 28, 28) → (N, 1, 28/f, 28/f) by f×f average pooling. */
  static Tensor pool(Tensor images, int f) {
    return f == 1 ? images : torch.avg_pool2d(images, new long[] {f, f}).contiguous();
  }

  /** One FD-vs-steps plot per adaptation and the caption step's validation loss. */
  static List<String> plots(Path out, String fd, Results r) throws IOException {
    List<String> files = new ArrayList<>();
    for (Adaptation a : r.adaptations()) {
      String file = "w2s_" + a.name() + "_fd.png";
      Plot.line("Weak-to-strong, new " + (a.name().equals("vae") ? "autoencoder" : "resolution") + ": " + fd + " vs steps (lower is better)")
          .xLabel("training steps at the new setting").yLabel(fd).series("adapted from the weak model", xs(a.adapted()), ys(a.adapted()))
          .series("from scratch", xs(a.scratch()), ys(a.scratch())).write(out.resolve(file));
      files.add(file);
    }
    LineChart c = Plot.line("Weak-to-strong: longer captions, validation loss").xLabel("step").yLabel("validation loss");
    for (Map.Entry<String, List<LossLog.EvalPoint>> e : r.captions().entrySet()) {
      double[] x = new double[e.getValue().size()], y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = e.getValue().get(i).step();
        y[i] = e.getValue().get(i).loss();
      }
      c.series(e.getKey(), x, y);
    }
    c.write(out.resolve("weak_to_strong_captions.png"));
    files.add("weak_to_strong_captions.png");
    return files;
  }

  private static double[] xs(Curve c) {
    return c.points().stream().mapToDouble(Point::step).toArray();
  }

  private static double[] ys(Curve c) {
    return c.points().stream().mapToDouble(Point::fd).toArray();
  }

  /** The verdict key of an adaptation. */
  static String verdict(Adaptation a) {
    return "w2s_" + a.name() + "_adapted_reaches_scratch_final_fd_in_fewer_steps";
  }

  /** The README section of the part. */
  static String markdown(Sizes s, Results r, String fd, int sampleSteps, double guidance, int batch) {
    StringBuilder b = new StringBuilder("## Weak-to-strong adaptation curves (part `w2s`)\n\n");
    b.append(String.format(Locale.ROOT, "Each weak model trains %d steps; then the adapted model (every matching tensor copied from the weak one) "
        + "and the same model from scratch train %d steps each at the new setting on the same batches (%d), noise and caption dropout. %s of "
        + "%d class-balanced samples (%d DDIM steps, CFG %s, sampling seed %d) every %d steps, and at step 0 for the adapted model "
        + "(zero-shot after the transfer). Steps to reach = the first scored step at which the adapted FD is at or below the from-scratch "
        + "model's final FD (scored every %d steps, so an upper bound).%n%n", s.weakSteps(), s.steps(), batch, fd, s.samples(), sampleSteps,
        guidance, SAMPLE_SEED, s.steps() / s.points(), s.steps() / s.points()));
    for (Adaptation a : r.adaptations()) {
      if (a.name().equals("resolution")) {
        b.append(String.format(Locale.ROOT, "### New resolution: %d×%d → 28×28 with PE interpolation (%s → %s tokens)%n%n", s.lowSize(), s.lowSize(),
            a.extra().get("weak_tokens"), a.extra().get("strong_tokens")));
      } else {
        b.append(String.format(Locale.ROOT, "### New autoencoder: latents of one AutoencoderKL → another's (%s, widths %s, %d steps each, seeds "
            + "differ; %s training images; the new autoencoder's own reconstruction %s: %.1f)%n%n", a.extra().get("latent_shape"),
            java.util.Arrays.toString(s.aeWidths()), s.aeSteps(), a.extra().get("training_images"), fd, (Double) a.extra().get("new_autoencoder_reconstruction_fd")));
      }
      b.append("| step |");
      for (Point p : a.adapted().points()) b.append(' ').append(p.step()).append(" |");
      b.append("\n|---|");
      for (int i = 0; i < a.adapted().points().size(); i++) b.append("---|");
      b.append('\n');
      row(b, "adapted " + fd, a.adapted(), a.adapted(), false);
      row(b, "scratch " + fd, a.adapted(), a.scratch(), false);
      row(b, "adapted accuracy", a.adapted(), a.adapted(), true);
      row(b, "scratch accuracy", a.adapted(), a.scratch(), true);
      long reach = a.stepsToScratchFinal();
      b.append(String.format(Locale.ROOT, "%nWeak model: %d steps at %.0f ms/step. Training ms/step at the new setting: adapted %.0f, scratch %.0f; "
          + "final validation loss adapted %.4f, scratch %.4f. **Steps for the adapted model to reach the from-scratch model's final %s "
          + "(%.1f after %d steps): %s.**%n%n![%s](w2s_%s_fd.png)%n%n", a.weakSteps(), a.weakMsPerStep(), a.adapted().msPerStep(),
          a.scratch().msPerStep(), a.adapted().valLoss(), a.scratch().valLoss(), fd, a.scratch().finalFd(), s.steps(),
          reach < 0 ? "not reached within " + s.steps() : reach == 0 ? "0 (already at step 0, before any training at the new setting)" : "≤ " + reach,
          a.name(), a.name()));
    }
    b.append("Paper ([2nd], PixArt-α 256px → PixArt-Σ): after the VAE change (SD 1.5 → SDXL) the model converges in about 2K steps; after "
        + "the low → high resolution change with PE interpolation it is usable after about 100 steps and converges in about 1K; both far "
        + "sooner than training at the new setting from scratch. Pass criterion per adaptation: the adapted model reaches the from-scratch "
        + "model's final FD in fewer steps than the from-scratch model took.\n\n");
    b.append(String.format(Locale.ROOT, "### Longer captions%n%nThe same images with longer, richer captions (\"a grayscale product photo of a "
        + "sneaker, a kind of shoe, centred on a black background\", 32 tokens), %d steps starting from the from-scratch 28×28 model above "
        + "(%d steps on the short captions; every tensor copied, the null-caption table extended) vs from scratch. Validation loss:%n%n| step |",
        s.captionSteps(), s.steps()));
    List<LossLog.EvalPoint> any = r.captions().values().iterator().next();
    for (LossLog.EvalPoint e : any) b.append(' ').append(e.step()).append(" |");
    b.append("\n|---|");
    for (int i = 0; i < any.size(); i++) b.append("---|");
    b.append('\n');
    for (Map.Entry<String, List<LossLog.EvalPoint>> e : r.captions().entrySet()) {
      b.append("| ").append(e.getKey()).append(" |");
      for (LossLog.EvalPoint x : e.getValue()) b.append(String.format(Locale.ROOT, " %.4f |", x.loss()));
      b.append('\n');
    }
    b.append("\n![weak to strong captions](weak_to_strong_captions.png)\n\n");
    return b.toString();
  }

  private static void row(StringBuilder b, String name, Curve columns, Curve c, boolean accuracy) {
    b.append("| ").append(name).append(" |");
    for (Point col : columns.points()) {
      Point p = c.points().stream().filter(q -> q.step() == col.step()).findFirst().orElse(null);
      b.append(p == null ? " – |" : String.format(Locale.ROOT, accuracy ? " %.3f |" : " %.1f |", accuracy ? p.accuracy() : p.fd()));
    }
    b.append('\n');
  }
}
