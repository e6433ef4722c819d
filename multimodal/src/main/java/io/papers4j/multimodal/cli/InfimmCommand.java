package io.papers4j.multimodal.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.multimodal.infimm.ChromiumScreenshot;
import io.papers4j.multimodal.infimm.Documents;
import io.papers4j.multimodal.infimm.InfimmConfig;
import io.papers4j.multimodal.infimm.InfimmModel;
import io.papers4j.multimodal.infimm.InfimmServer;
import io.papers4j.multimodal.infimm.InfimmTraining;
import io.papers4j.multimodal.infimm.LoneDigit;
import io.papers4j.multimodal.infimm.VisionPretraining;
import io.papers4j.multimodal.infimm.WebPages;
import io.papers4j.multimodal.vlm.Images;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code papers4j infimm train|eval|ask|serve|data}. */
@Command(
    name = "infimm",
    mixinStandardHelpOptions = true,
    description = "InfiMM-HD (arXiv 2403.01487): tiles + thumbnail + 2-D tile embeddings, gated cross-attention, four training stages.",
    subcommands = {InfimmCommand.Train.class, InfimmCommand.Eval.class, InfimmCommand.Ask.class, InfimmCommand.Serve.class,
        InfimmCommand.DataCmd.class})
public final class InfimmCommand extends ParentCommand implements CliCommand {

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Run one training stage (1 PT, 2 CPT, 3 DRA, 4 IFT) on Java2D documents, screenshots of Debian HTML pages, or both.")
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

    @Option(names = "--square-curriculum", defaultValue = "1",
        description = "Draw the documents' square this many times larger at the first step, shrinking to its real size by 60%% of the steps (1 = off; default ${DEFAULT-VALUE}).")
    double squareCurriculum;

    @Option(names = "--cross-rate", defaultValue = "1",
        description = "Multiply the cross-attention's learning rate by this from --cross-rate-from on (1 = the stage's rate; default ${DEFAULT-VALUE}).")
    double crossRate;

    @Option(names = "--cross-rate-from", defaultValue = "0", description = "Step from which --cross-rate applies (default ${DEFAULT-VALUE}).")
    int crossRateFrom;

    @Option(names = "--cross-rate-warmup", defaultValue = "0",
        description = "Steps over which the multiple rises linearly from 1 to --cross-rate (0 = at once; default ${DEFAULT-VALUE}).")
    int crossRateWarmup;

    @Option(names = "--cross-rate-decay-from", defaultValue = "-1",
        description = "Step from which the multiple falls linearly back to 1 at the last step (-1 = never; default ${DEFAULT-VALUE}).")
    int crossRateDecayFrom;

    @Option(names = "--data", defaultValue = "documents",
        description = "documents (Java2D), web (screenshots of Debian HTML pages, headless Chromium) or mix (half each) (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--pages", defaultValue = "32", description = "Training web pages for --data web|mix (rendered once, cached) (default ${DEFAULT-VALUE}).")
    int pages;

    @Option(names = "--mask-cls",
        description = "Drop every crop's ViT CLS token from the cross-attention's keys (not in the paper; kept in config.json; a model from --init-from keeps its own setting unless this turns it on).")
    boolean maskCls;

    @Option(names = "--vision-pretrain-steps", defaultValue = "0",
        description = "Before the stage, train the ViT with a linear head to classify a lone digit drawn at a random place on a 96-px page, "
            + "at dynamic resolution, for this many steps of --batch pages (not in the paper; 0 = off; default ${DEFAULT-VALUE}).")
    int visionPretrainSteps;

    @Option(names = "--vision-pretrain-cycles", defaultValue = "" + VisionPretraining.DEFAULT_CYCLES,
        description = "Cosine cycles the vision pretraining's steps are split into, each with its own warm-up (default ${DEFAULT-VALUE}).")
    int visionPretrainCycles;

    @Mixin PrecisionOption precision;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads, and the parts the vision pretraining splits each batch into (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
      if (visionPretrainSteps < 0) throw new IllegalArgumentException("--vision-pretrain-steps must be >= 0, got " + visionPretrainSteps);
      VisionPretraining.Options pretrain = visionPretrainSteps == 0 ? null
          : new VisionPretraining.Options(visionPretrainSteps, batch, seed, VisionPretraining.DEFAULT_RATE, visionPretrainCycles);
      if (!data.equals("documents") && !data.equals("web") && !data.equals("mix")) {
        throw new IllegalArgumentException("--data must be documents, web or mix, got " + data);
      }
      InfimmTraining.CrossRate rate = new InfimmTraining.CrossRate(crossRate, crossRateFrom, crossRateWarmup, crossRateDecayFrom); // bad values fail before any work
      Engine.init(threads);
      Engine.seed(seed);
      InfimmModel model = initFrom != null ? InfimmModel.load(initFrom, null) : InfimmModel.fromScratch(config(size).withMaskCls(maskCls), seed);
      if (maskCls && !model.config().maskCls()) model = InfimmModel.load(initFrom, model.config().withMaskCls(true)); // same weights, CLS keys dropped
      int side = model.config().tile();
      InfimmTraining.Options o = new InfimmTraining.Options(stage, steps, batch, seed, side, side * model.config().maxGrid(), squareCurriculum, rate);
      InfimmTraining.Data source = InfimmTraining.documents(o.minSide(), o.maxSide());
      if (!data.equals("documents")) {
        List<Documents.Sample> web = webSamples(WebPages.pick(pages, seed, WebPages.Split.TRAIN));
        source = data.equals("web") ? InfimmTraining.pool(web) : InfimmTraining.alternate(source, InfimmTraining.pool(web));
      }
      double[] pretrainLosses = null;
      if (pretrain != null) {
        try (ProgressBar bar = new ProgressBar("infimm vision pretraining", pretrain.steps(), "page")) {
          // each batch split over the threads: two threads run one batch of these small models no faster than one
          int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
          pretrainLosses = VisionPretraining.train(model, pretrain, InfimmModel.Resolution.DYNAMIC, LoneDigit.anywhereData(),
              (s, loss) -> bar.update(s, loss, batch), workers).losses();
        }
      }
      double[] losses;
      try (ProgressBar bar = new ProgressBar("infimm stage " + stage, steps, "doc")) {
        losses = InfimmTraining.train(model, o, InfimmTraining.resolution(stage), (s, loss) -> bar.update(s, loss, batch), precision.get(), source);
      }
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("stage", stage);
      info.put("steps", steps);
      info.put("batch", batch);
      info.put("seed", seed);
      info.put("square_curriculum", squareCurriculum);
      Map<String, Object> rateInfo = new LinkedHashMap<>();
      rateInfo.put("times", crossRate);
      rateInfo.put("from", crossRateFrom);
      rateInfo.put("warmup", crossRateWarmup);
      rateInfo.put("decay_from", crossRateDecayFrom);
      info.put("cross_rate", rateInfo);
      info.put("data", data);
      if (!data.equals("documents")) info.put("web_pages", pages);
      if (pretrain != null) {
        Map<String, Object> vp = new LinkedHashMap<>();
        vp.put("steps", pretrain.steps());
        vp.put("rate", pretrain.rate());
        vp.put("cycles", pretrain.cycles());
        vp.put("data", "lone digit at a random place");
        vp.put("final_loss", pretrainLosses[pretrainLosses.length - 1]);
        info.put("vision_pretrain", vp);
      }
      info.put("resolution", InfimmTraining.resolution(stage).name().toLowerCase(Locale.ROOT));
      info.put("final_loss", losses[losses.length - 1]);
      model.save(out, info);
      System.out.printf(Locale.ROOT, "stage %d: %d steps, loss %.3f → %.3f; saved %s%n", stage, steps, losses[0], losses[losses.length - 1], out);
      return 0;
    }
  }

  /** The samples of {@code pages} over their screenshots (rendered once and cached), with a progress bar. */
  static List<Documents.Sample> webSamples(List<WebPages.Page> pages) {
    List<Documents.Sample> out = new ArrayList<>();
    try (ChromiumScreenshot chromium = new ChromiumScreenshot();
        ProgressBar bar = new ProgressBar("web pages", pages.size(), "page")) {
      for (int i = 0; i < pages.size(); i++) {
        out.addAll(WebPages.samples(pages.get(i), WebPages.screenshot(pages.get(i), chromium)));
        bar.update(i + 1, Double.NaN, 1);
      }
    }
    return out;
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "Exact-match accuracy per question kind on held-out Java2D documents or held-out Debian HTML pages.")
  static final class Eval implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory.")
    Path model;

    @Option(names = "--data", defaultValue = "documents", description = "documents or web (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--n", defaultValue = "100", description = "Documents, or web pages (each asks 1-3 questions) (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--resolution", defaultValue = "dynamic", description = "base, fixed or dynamic (default ${DEFAULT-VALUE}).")
    String resolution;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the held-out documents / pages (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      if (n < 1) throw new IllegalArgumentException("--n must be >= 1, got " + n);
      if (!data.equals("documents") && !data.equals("web")) throw new IllegalArgumentException("--data must be documents or web, got " + data);
      InfimmModel.Resolution r = resolution(resolution);
      Engine.init(2);
      InfimmModel m = InfimmModel.load(model, null);
      Map<Documents.Kind, double[]> acc;
      Map<String, double[]> byQuestion = new LinkedHashMap<>();
      if (data.equals("documents")) {
        int side = m.config().tile();
        try (Precision.Region cast = precision.autocast()) {
          acc = InfimmTraining.evaluate(m, r, n, seed, side, side * m.config().maxGrid(), null);
        }
      } else {
        Map<String, List<Documents.Sample>> groups = new LinkedHashMap<>();
        for (Documents.Sample s : webSamples(WebPages.pick(n, seed, WebPages.Split.TEST))) {
          groups.computeIfAbsent(s.question(), k -> new ArrayList<>()).add(s);
        }
        acc = new java.util.EnumMap<>(Documents.Kind.class);
        for (Map.Entry<String, List<Documents.Sample>> g : groups.entrySet()) {
          List<Documents.Sample> group = g.getValue();
          double[] q = new double[2];
          Map<Documents.Kind, double[]> groupAcc;
          try (Precision.Region cast = precision.autocast()) {
            groupAcc = InfimmTraining.evaluate(m, r, group.size(), group::get);
          }
          groupAcc.forEach((k, a) -> {
            double[] all = acc.computeIfAbsent(k, x -> new double[2]);
            all[0] += a[0];
            all[1] += a[1];
            q[0] += a[0];
            q[1] += a[1];
          });
          byQuestion.put(g.getKey(), q);
        }
      }
      System.out.println("kind / question          correct / total   accuracy");
      acc.forEach((k, a) -> System.out.printf(Locale.ROOT, "%-24s %7.0f / %-7.0f %6.1f%%%n", k.name().toLowerCase(Locale.ROOT), a[0], a[1], 100 * a[0] / a[1]));
      byQuestion.forEach((q, a) -> System.out.printf(Locale.ROOT, "  %-22s %7.0f / %-7.0f %6.1f%%%n", q, a[0], a[1], 100 * a[0] / a[1]));
      return 0;
    }
  }

  @Command(name = "data", mixinStandardHelpOptions = true,
      description = "Write samples to look at: PNG images + questions.jsonl (web: screenshots of Debian HTML pages; documents: Java2D).")
  static final class DataCmd implements Callable<Integer> {
    @picocli.CommandLine.Parameters(index = "0", description = "web or documents.")
    String kind;

    @Option(names = "--n", defaultValue = "20", description = "Pages or documents (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--out", required = true, description = "Directory to write.")
    Path out;

    @Option(names = "--split", defaultValue = "train", description = "web pages: train or test (held out) (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
      if (n < 1) throw new IllegalArgumentException("--n must be >= 1, got " + n);
      if (!kind.equals("web") && !kind.equals("documents")) throw new IllegalArgumentException("data kind must be web or documents, got " + kind);
      if (!split.equals("train") && !split.equals("test")) throw new IllegalArgumentException("--split must be train or test, got " + split);
      ObjectMapper json = new ObjectMapper();
      StringBuilder lines = new StringBuilder();
      if (kind.equals("web")) {
        List<WebPages.Page> pages = WebPages.pick(n, seed, split.equals("test") ? WebPages.Split.TEST : WebPages.Split.TRAIN);
        long shotNs = 0;
        int rendered = 0;
        try (ChromiumScreenshot chromium = new ChromiumScreenshot();
            ProgressBar bar = new ProgressBar("web pages", n, "page")) {
          for (int i = 0; i < pages.size(); i++) {
            WebPages.Page p = pages.get(i);
            String png = String.format(Locale.ROOT, "%03d-%s.png", i, p.name().replaceAll("[^A-Za-z0-9._-]+", "_"));
            if (!Files.isRegularFile(WebPages.cached(p, chromium))) rendered++;
            long t0 = System.nanoTime();
            java.awt.image.BufferedImage shot = WebPages.screenshot(p, chromium);
            shotNs += System.nanoTime() - t0;
            AtomicFiles.writePng(out.resolve(png), shot);
            for (WebPages.Question q : p.questions()) lines.append(jsonLine(json, png, p.name(), "read", q.question(), q.answer()));
            bar.update(i + 1, Double.NaN, 1);
          }
        }
        System.out.printf(Locale.ROOT, "screenshots: %d pages in %.1f s (%d rendered by Chromium, %d from the cache %s), %.2f s per page%n",
            n, shotNs / 1e9, rendered, n - rendered, io.papers4j.core.data.Papers4jHome.resolve("infimm", "webshots"), shotNs / 1e9 / n);
      } else {
        InfimmConfig c = InfimmConfig.quick();
        for (int i = 0; i < n; i++) {
          Documents.Sample s = Documents.sample(seed * 1_000_003L + i, c.tile(), c.tile() * c.maxGrid(), null);
          String png = String.format(Locale.ROOT, "%03d.png", i);
          AtomicFiles.writePng(out.resolve(png), s.image());
          lines.append(jsonLine(json, png, null, s.kind().name().toLowerCase(Locale.ROOT), s.question(), s.answer()));
        }
      }
      AtomicFiles.writeString(out.resolve("questions.jsonl"), lines.toString());
      System.out.println("wrote " + n + " images and " + lines.toString().lines().count() + " questions to " + out);
      return 0;
    }

    private static String jsonLine(ObjectMapper json, String image, String page, String kind, String q, String a) throws Exception {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("image", image);
      if (page != null) m.put("page", page);
      m.put("kind", kind);
      m.put("question", q);
      m.put("answer", a);
      return json.writeValueAsString(m) + "\n";
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
