package io.papers4j.multimodal.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.multimodal.movie.KeyframeConfig;
import io.papers4j.multimodal.movie.KeyframeDit;
import io.papers4j.multimodal.movie.KeyframeTraining;
import io.papers4j.multimodal.movie.LlmPlots;
import io.papers4j.multimodal.movie.MovieFolder;
import io.papers4j.multimodal.movie.MovieMaker;
import io.papers4j.multimodal.movie.Plot;
import io.papers4j.multimodal.movie.PlotGrammar;
import io.papers4j.multimodal.movie.QaGrader;
import io.papers4j.multimodal.movie.QaVocab;
import io.papers4j.multimodal.movie.StoryWorld;
import io.papers4j.multimodal.movie.StyleImages;
import io.papers4j.multimodal.movie.StyleInversion;
import io.papers4j.multimodal.movie.TextFeatures;
import io.papers4j.multimodal.movie.VideoQa;
import io.papers4j.multimodal.movie.VideoQaConfig;
import io.papers4j.multimodal.movie.VideoQaTraining;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code papers4j movie plot|train-t2i|style|frames|make|dataset|train|eval}: MovieLLM (arXiv 2403.01422). */
@Command(
    name = "movie",
    mixinStandardHelpOptions = true,
    description = "MovieLLM (arXiv 2403.01422): three-level plots, keyframes with style immobilisation, synthetic movies, long-video QA.",
    subcommands = {MovieCommand.PlotCmd.class, MovieCommand.TrainT2i.class, MovieCommand.Style.class, MovieCommand.Frames.class,
        MovieCommand.Make.class, MovieCommand.Dataset.class, MovieCommand.Train.class, MovieCommand.Eval.class})
public final class MovieCommand extends ParentCommand implements CliCommand {

  static PlotGrammar.Size size(String s) {
    return PlotGrammar.Size.parse(s);
  }

  @Command(name = "plot", mixinStandardHelpOptions = true, description = "Write a three-level plot JSON from the grammar or an OpenAI-compatible endpoint.")
  static final class PlotCmd implements Callable<Integer> {
    @Option(names = "--theme", required = true, description = "What the movie is about, e.g. \"a lost treasure\".")
    String theme;

    @Option(names = "--size", defaultValue = "3x2x2", description = "CHAPTERSxSCENESxFRAMES (default ${DEFAULT-VALUE}; the paper: 11x11x11).")
    String size;

    @Option(names = "--style", description = "Style keyword: noir, dream, comic or vintage (default: chosen by the seed).")
    String style;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--llm-endpoint", description = "OpenAI-compatible server, e.g. http://localhost:8000 (default: the grammar).")
    String endpoint;

    @Option(names = "--llm-model", description = "The model field sent to the endpoint.")
    String model;

    @Option(names = "--attempts", defaultValue = "3", description = "Tries when the endpoint's JSON is malformed or truncated (default ${DEFAULT-VALUE}).")
    int attempts;

    @Option(names = "--out", description = "File to write (default: print to stdout).")
    Path out;

    @Override
    public Integer call() {
      if (style != null) StoryWorld.style(style);
      if (model != null && endpoint == null) throw new IllegalArgumentException("--llm-model needs --llm-endpoint");
      Plot p = endpoint != null ? LlmPlots.of(endpoint, model, attempts).generate(theme, size(size), seed)
          : PlotGrammar.expand(theme, seed, size(size), style);
      if (out == null) {
        System.out.println(p.toJson());
      } else {
        p.write(out);
        System.err.printf(Locale.ROOT, "movie plot: \"%s\", %d frames, %d QA pairs → %s%n", p.title(), p.frames().size(), p.allQa().size(), out);
      }
      return 0;
    }
  }

  static KeyframeDit trainT2i(Path out, int steps, int batch, int pool, String prediction, long seed, Precision precision) {
    Engine.seed(seed);
    KeyframeConfig config = KeyframeConfig.quick().withPrediction(prediction);
    TextFeatures text = TextFeatures.load(config.maxTokens());
    KeyframeDit dit = new KeyframeDit(config, seed);
    double[] losses;
    try (ProgressBar bar = new ProgressBar("keyframe model", steps, "img")) {
      losses = KeyframeTraining.train(dit, text, new KeyframeTraining.Options(steps, batch, pool, 5e-4, 0.1, 0.5, seed), (s, l) -> bar.update(s, l, batch),
          precision);
    }
    dit.save(out, Map.of("steps", steps, "batch", batch, "pool", pool, "seed", seed, "final_loss", losses[losses.length - 1]));
    System.err.printf(Locale.ROOT, "keyframe model: loss %.4f → %.4f; saved %s%n", losses[0], losses[losses.length - 1], out);
    return dit;
  }

  @Command(name = "train-t2i", mixinStandardHelpOptions = true, description = "Train the keyframe text-to-image model on procedural keyframes.")
  static final class TrainT2i implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Model directory to write.")
    Path out;

    @Option(names = "--steps", defaultValue = "700", description = "Steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "32", description = "Images per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--pool", defaultValue = "1536", description = "Distinct rendered training images (default ${DEFAULT-VALUE}).")
    int pool;

    @Option(names = "--prediction", defaultValue = "v", description = PREDICTION_HELP)
    String prediction;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init(2);
      trainT2i(out, steps, batch, pool, prediction, seed, precision.get());
      return 0;
    }
  }

  static final String STYLE_STEPS = "60";
  static final String STYLE_STEPS_HELP = "Textual-inversion steps for each style row (default ${DEFAULT-VALUE}; paper 460).";
  static final String PREDICTION_HELP = "What the keyframe network outputs: v (the velocity) or x (the clean image, turned into the velocity); default ${DEFAULT-VALUE}.";
  static final String SOURCE_HELP = "Where the style images come from: generated (sampled from the frozen keyframe model with the style "
      + "description, as the paper; default ${DEFAULT-VALUE}) or procedural (drawn in the keyword's style).";

  /** Fails at once, before any model is loaded or trained, when the textual-inversion step count cannot run. */
  static void checkStyleSteps(int steps) {
    if (steps < 1) throw new IllegalArgumentException("--style-steps must be >= 1, got " + steps);
  }

  /** Learns the keyword's row from {@code images} style images of {@code source} (generated ones with 20 Euler steps at guidance 3). */
  static StyleInversion.Learned invert(KeyframeDit dit, TextFeatures text, String keyword, int steps, int images, StyleImages.Source source, long seed,
      Precision precision) {
    StyleImages.Examples ex;
    try (Precision.Region cast = precision.autocast()) {
      ex = StyleImages.make(source, dit, text, keyword, images, 20, 3.0, seed);
    }
    return StyleInversion.learn(dit, text, keyword, ex.images(), ex.descriptions(), new StyleInversion.Options(steps, 5e-3, Math.min(8, images), seed),
        precision);
  }

  @Command(name = "style", mixinStandardHelpOptions = true, description = "Style immobilisation: learn the keyword's embedding row from images in its style.")
  static final class Style implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Keyframe model directory.")
    Path model;

    @Option(names = "--keyword", required = true, description = "noir, dream, comic or vintage.")
    String keyword;

    @Option(names = {"--style-steps", "--steps"}, defaultValue = STYLE_STEPS, description = STYLE_STEPS_HELP)
    int steps;

    @Option(names = "--images", defaultValue = "8", description = "Style images (default ${DEFAULT-VALUE}; paper ~10).")
    int images;

    @Option(names = "--style-source", defaultValue = "generated", description = SOURCE_HELP)
    String source;

    @Option(names = "--out", required = true, description = "File to write, e.g. noir.safetensors.")
    Path out;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init(2);
      StoryWorld.style(keyword);
      checkStyleSteps(steps);
      StyleImages.Source from = StyleImages.Source.parse(source);
      KeyframeDit dit = KeyframeDit.load(model);
      TextFeatures text = TextFeatures.load(dit.config().maxTokens());
      invert(dit, text, keyword, steps, images, from, 0, precision.get()).save(out);
      System.err.println("movie style: learned the '" + keyword + "' row from " + images + " " + from.id() + " images → " + out);
      return 0;
    }
  }

  @Command(name = "frames", mixinStandardHelpOptions = true, description = "Render a plot's keyframes into a movie folder (PNGs, plot.json, movie.gif, contact.png).")
  static final class Frames implements Callable<Integer> {
    @Option(names = "--plot", required = true, description = "plot.json.")
    Path plot;

    @Option(names = "--model", required = true, description = "Keyframe model directory.")
    Path model;

    @Option(names = "--style-embedding", description = "A learned keyword row (papers4j movie style); default: the encoder's own row.")
    Path styleEmbedding;

    @Option(names = "--steps", defaultValue = "20", description = "Euler steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--cfg", defaultValue = "3", description = "Guidance scale (default ${DEFAULT-VALUE}).")
    double cfg;

    @Option(names = "--seed", defaultValue = "20", description = "Noise seed of frame 0; frame i uses seed + i (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Movie folder to write.")
    Path out;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init(2);
      Plot p = Plot.read(plot);
      KeyframeDit dit = KeyframeDit.load(model);
      TextFeatures text = TextFeatures.load(dit.config().maxTokens());
      StyleInversion.Learned row = styleEmbedding == null ? null : StyleInversion.load(styleEmbedding, text);
      if (row != null && !row.keyword().equals(p.style().keyword())) {
        throw new IllegalArgumentException("--style-embedding is for '" + row.keyword() + "' but the plot's style is '" + p.style().keyword() + "'");
      }
      List<BufferedImage> frames;
      try (Precision.Region cast = precision.autocast()) {
        frames = MovieMaker.keyframes(dit, text, p, row, MovieMaker.Prompting.KEYWORD, steps, cfg, seed);
      }
      MovieMaker.write(out, p, frames);
      System.err.printf(Locale.ROOT, "movie frames: %d keyframes → %s%n", frames.size(), out);
      return 0;
    }
  }

  @Command(name = "make", mixinStandardHelpOptions = true, description = "One command to a small movie: plot, keyframe model (trained if not given), style immobilisation, keyframes.")
  static final class Make implements Callable<Integer> {
    @Option(names = "--theme", required = true, description = "What the movie is about.")
    String theme;

    @Option(names = "--out", required = true, description = "Movie folder to write.")
    Path out;

    @Option(names = "--model", description = "Keyframe model directory (default: train one into OUT/t2i first).")
    Path model;

    @Option(names = "--t2i-steps", defaultValue = "700", description = "Steps when a keyframe model is trained here (default ${DEFAULT-VALUE}).")
    int t2iSteps;

    @Option(names = "--t2i-batch", defaultValue = "32", description = "Images per step when a keyframe model is trained here (default ${DEFAULT-VALUE}).")
    int t2iBatch;

    @Option(names = "--prediction", defaultValue = "v", description = PREDICTION_HELP)
    String prediction;

    @Option(names = "--style-source", defaultValue = "generated", description = SOURCE_HELP)
    String source;

    @Option(names = "--style-steps", defaultValue = STYLE_STEPS, description = STYLE_STEPS_HELP)
    int styleSteps;

    @Option(names = "--size", defaultValue = "3x2x2", description = "CHAPTERSxSCENESxFRAMES (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--style", description = "noir, dream, comic or vintage (default: chosen by the seed).")
    String style;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init(2);
      if (style != null) StoryWorld.style(style);
      StyleImages.Source from = StyleImages.Source.parse(source);
      checkStyleSteps(styleSteps);
      KeyframeConfig.quick().withPrediction(prediction); // a bad --prediction fails here, before any training
      Plot p = PlotGrammar.expand(theme, seed, size(size), style);
      KeyframeDit dit = model != null ? KeyframeDit.load(model) : trainT2i(out.resolve("t2i"), t2iSteps, t2iBatch, 1536, prediction, seed, precision.get());
      TextFeatures text = TextFeatures.load(dit.config().maxTokens());
      System.err.println("movie make: learning the '" + p.style().keyword() + "' style row from 8 " + from.id() + " images");
      StyleInversion.Learned row = invert(dit, text, p.style().keyword(), styleSteps, 8, from, seed, precision.get());
      row.save(out.resolve("style_embedding.safetensors"));
      List<BufferedImage> frames;
      try (Precision.Region cast = precision.autocast()) {
        frames = MovieMaker.keyframes(dit, text, p, row, MovieMaker.Prompting.KEYWORD, 20, 3.0, 20);
      }
      MovieMaker.write(out, p, frames);
      System.out.printf(Locale.ROOT, "\"%s\" (%s, %s style): %d keyframes → %s (movie.gif, contact.png, frames/, plot.json)%n", p.title(), p.genre(),
          p.style().keyword(), frames.size(), out);
      return 0;
    }
  }

  @Command(name = "dataset", mixinStandardHelpOptions = true, description = "Make N movie folders with QA (synthetic keyframes with --model, else procedural renders).")
  static final class Dataset implements Callable<Integer> {
    @Option(names = "--count", required = true, description = "Movies to make.")
    int count;

    @Option(names = "--out", required = true, description = "Folder to fill with movie_000/, movie_001/, …")
    Path out;

    @Option(names = "--model", description = "Keyframe model directory: frames from the model with learned style rows (default: procedural renders).")
    Path model;

    @Option(names = "--style-steps", defaultValue = STYLE_STEPS, description = STYLE_STEPS_HELP + " Used with --model.")
    int styleSteps;

    @Option(names = "--size", defaultValue = "3x2x2", description = "CHAPTERSxSCENESxFRAMES (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init(2);
      if (count < 1) throw new IllegalArgumentException("--count must be >= 1");
      checkStyleSteps(styleSteps);
      SplittableRandom rng = new SplittableRandom(seed);
      KeyframeDit dit = model == null ? null : KeyframeDit.load(model);
      TextFeatures text = dit == null ? null : TextFeatures.load(dit.config().maxTokens());
      Map<String, StyleInversion.Learned> rows = new java.util.HashMap<>();
      try (ProgressBar bar = new ProgressBar("movie dataset", count, "movie")) {
        for (int i = 0; i < count; i++) {
          String k = StoryWorld.KEYWORD_ORDER.get(rng.nextInt(4));
          Plot p = PlotGrammar.expand("movie " + i, seed * 100_003L + i, size(size), k);
          List<BufferedImage> frames;
          if (dit == null) {
            frames = MovieMaker.rendered(p, KeyframeConfig.quick().imageSize(), rng.nextLong());
          } else {
            StyleInversion.Learned row = rows.computeIfAbsent(k, kw -> invert(dit, text, kw, styleSteps, 8, StyleImages.Source.GENERATED, seed, precision.get()));
            try (Precision.Region cast = precision.autocast()) {
              frames = MovieMaker.keyframes(dit, text, p, row, MovieMaker.Prompting.KEYWORD, 20, 3.0, rng.nextLong());
            }
          }
          MovieMaker.write(out.resolve(String.format(Locale.ROOT, "movie_%03d", i)), p, frames);
          bar.update(i + 1, Double.NaN, 1);
        }
      }
      System.err.printf(Locale.ROOT, "movie dataset: %d movies → %s%n", count, out);
      return 0;
    }
  }

  static List<VideoQaTraining.Example> examples(Path data) {
    List<VideoQaTraining.Example> xs = new ArrayList<>();
    for (MovieFolder.Movie m : MovieFolder.readAll(data)) xs.addAll(VideoQaTraining.examples(m.frames(), m.plot().allQa()));
    return xs;
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Train the two-tokens-per-frame video QA model on movie folders.")
  static final class Train implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Folder of movie folders (papers4j movie dataset).")
    Path data;

    @Option(names = "--out", required = true, description = "Model directory to write.")
    Path out;

    @Option(names = "--steps", defaultValue = "350", description = "Steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "32", description = "Questions per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init(2);
      Engine.seed(seed);
      List<VideoQaTraining.Example> xs = examples(data);
      QaVocab vocab = new QaVocab();
      VideoQa qa = new VideoQa(VideoQaConfig.quick(), vocab.size(), seed);
      double[] losses;
      try (ProgressBar bar = new ProgressBar("video QA", steps, "q")) {
        losses = VideoQaTraining.train(qa, vocab, xs, steps, batch, 1e-3, seed, (s, l) -> bar.update(s, l, batch), precision.get());
      }
      qa.save(out, Map.of("steps", steps, "batch", batch, "seed", seed, "examples", xs.size(), "data", data.toString(), "final_loss", losses[steps - 1]));
      System.err.printf(Locale.ROOT, "video QA: %d questions, loss %.3f → %.3f; saved %s%n", xs.size(), losses[0], losses[steps - 1], out);
      return 0;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true, description = "Grade the video QA model on movie folders (exact match and token F1 per question type).")
  static final class Eval implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Video QA model directory.")
    Path model;

    @Option(names = "--data", required = true, description = "Folder of movie folders.")
    Path data;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init(2);
      QaVocab vocab = new QaVocab();
      VideoQa qa = VideoQa.load(model, vocab.size());
      List<VideoQaTraining.Example> xs = examples(data);
      List<String[]> graded;
      try (Precision.Region cast = precision.autocast()) {
        graded = VideoQaTraining.grade(qa, vocab, xs);
      }
      System.out.println("type      n     EM     F1");
      QaGrader.byType(graded)
          .forEach((t, s) -> System.out.printf(Locale.ROOT, "%-9s %-5d %5.1f  %5.1f%n", t, (int) s[2], 100 * s[0], 100 * s[1]));
      return 0;
    }
  }
}
