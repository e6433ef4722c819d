package io.papers4j.vision.video;

import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Params;
import io.papers4j.core.report.LineChart;
import io.papers4j.core.report.Machine;
import io.papers4j.core.report.Plot;
import io.papers4j.core.report.Result;
import io.papers4j.core.report.TimedReproduction;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code papers4j reproduce atomovideo}: spec §6(e) on moving sprites with exactly known motion.
 * Two class-conditional image models are trained and frozen (the spec's main option: zero terminal SNR +
 * v-prediction for arms A and C, linear β + ε-prediction for arm B, equal steps); arms A (zero terminal SNR + v-prediction, concat + semantic), B (linear β, ε, concat +
 * semantic) and C (as A without the concatenated image) train only the inserted layers, with the same
 * init, clips, noise and steps; each animates held-out first frames from pure noise (DDIM, trailing
 * spacing, CFG on image + motion). Arm A is then fine-tuned for frame prediction (L given frames) and
 * rolled out three windows.
 */
public final class AtomoVideoReproduction extends TimedReproduction {
  static final long SEED = 0;

  /**
   * Sizes of one run: fixed step counts (no time budgets, so a preset does the same work on any
   * machine), an EMA of the weights (decay {@code ema}) for the image models and every video model,
   * which is what is frozen and sampled.
   */
  record Preset(String name, int size, int frames, int[] widths, long baseSteps, int baseBatch, double baseLr, long videoSteps, int batch,
      double lr, boolean armC, long fpSteps, int fpGiven, int evalClips, int ddimSteps, double cfg, int rolloutClips, int rollouts, double ema,
      boolean x0Head) {}

  /** An arm's config at the preset's sizes (the arm's image model with the preset's head). */
  static VideoConfig config(Preset p, String arm) {
    return VideoConfig.arm(arm, p.size(), p.frames()).withWidths(p.widths()).withX0Head(p.x0Head());
  }

  static Preset preset(String name) {
    return switch (name) {
      // quick: sized from rates measured on the 2 cores with no other heavy job (image model 120-128 ms per step of 16, video 258 ms per
      // step of 4 clips, sampling 0.88 s per clip): about 12.7 minutes there. The image models have an x̂₀ head: their own samples
      // drew the sprite in one colour more often (17% vs 6% of 64 samples at 800 steps, see docs/atomovideo.md)
      case "quick" -> new Preset("quick", 16, 8, new int[] {16, 32, 32}, 800, 16, 1e-3, 500, 4, 5e-4, true, 150, 4, 32, 10, 2.0, 16, 3, 0.99, true);
      case "full" -> new Preset("full", 32, 12, new int[] {24, 48, 48}, 3000, 32, 1e-3, 600, 4, 1e-4, true, 150, 4, 100, 25, 2.0, 100, 3, 0.995, true);
      case "smoke" -> new Preset("smoke", 16, 4, new int[] {8, 16}, 2, 4, 1e-3, 2, 2, 1e-3, true, 2, 2, 2, 2, 2.0, 2, 2, 0.9, true);
      default -> throw new IllegalArgumentException("unknown preset " + name + " (quick, full)");
    };
  }

  /** AtomoVideo Table 1 (AIGCBench, 512², 24 frames): what the toy measures stand in for. */
  static final Map<String, Object> PAPER = Map.of("first_frame_ssim", 0.759, "ics_clip_adjacent_frames", 0.9938, "raft_motion", 3.124,
      "clip_score", 0.279, "dover", 0.804);

  public AtomoVideoReproduction() {
    super("atomovideo", "2403.01800",
        "AtomoVideo: image-to-video with a frozen image UNet, temporal layers, image injection, ZTSNR + v, frame prediction (arXiv 2403.01800)",
        "Inserting temporal layers into a frozen image model, injecting the image by latent concatenation and semantic cross-attention, "
            + "and training with zero terminal SNR + v-prediction gives image-to-video with high first-frame fidelity, temporal "
            + "consistency and large motion, without a noise prior; iterative frame prediction extends clips.");
  }

  @Override
  protected Result reproduce(String presetName, Path out, Context run) throws Exception {
    Preset p = preset(presetName);
    Engine.init(2);
    Engine.seed(SEED);
    MovingSprites data = new MovingSprites(MovingSprites.Spec.sprites(p.size()), SEED);
    // stage 1: the image models, then frozen: one with zero terminal SNR + v (arms A, C), one with linear β + ε (arm B), equal steps
    VideoTraining.Recipe baseRecipe = new VideoTraining.Recipe(p.baseSteps(), p.baseBatch(), p.baseLr(), 1, SEED, p.ema());
    Map<String, ImageModel> images = new LinkedHashMap<>();
    Map<String, VideoTraining.Log> imageLogs = new LinkedHashMap<>();
    Map<String, Map<String, Double>> imageSamples = new LinkedHashMap<>();
    List<List<BufferedImage>> imageStrip = new ArrayList<>();
    for (String arm : new String[] {"a", "b"}) {
      ImageModel im = new ImageModel(config(p, arm), Init.normal(SEED, 0.02));
      String label = "image model (" + im.config().baseProcess() + (im.config().x0Head() ? ", x̂₀ head" : "") + ")";
      try (ProgressBar bar = new ProgressBar(label, baseRecipe.steps(), "img")) {
        imageLogs.put(arm, VideoTraining.trainImage(im, data, baseRecipe, bar));
      }
      images.put(arm, im);
      // the frozen image model's own samples, 8 per colour class: is the sprite drawn in its colour?
      VideoEval.Outcome s = VideoEval.imageModel(im, data, 8, p.ddimSteps(), p.cfg(), SEED + 5);
      imageSamples.put(arm, s.metrics());
      for (int k = 0; k < im.config().contentClasses(); k += 2) imageStrip.add(VideoIO.frames(s.clips().narrow(0, k * 8, 16).select(1, 0)));
    }
    ImageModel image = images.get("a");
    VideoTraining.Log imageLog = imageLogs.get("a");
    // stage 2: the arms
    List<String> arms = new ArrayList<>(List.of("a", "b"));
    if (p.armC()) arms.add("c");
    Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
    Map<String, VideoTraining.Log> logs = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    List<List<BufferedImage>> strip = new ArrayList<>();
    VideoModel armA = null;
    MovingSprites.Videos truth = null;
    VideoTraining.Recipe armRecipe = new VideoTraining.Recipe(p.videoSteps(), p.batch(), p.lr(), 1, SEED, p.ema());
    for (String arm : arms) {
      VideoConfig c = config(p, arm);
      VideoModel m = new VideoModel(c, images.get(arm.equals("b") ? "b" : "a"), Init.normal(SEED + 1, 0.02));
      try (ProgressBar bar = new ProgressBar("arm " + arm.toUpperCase(Locale.ROOT), armRecipe.steps(), "clip")) {
        logs.put(arm, VideoTraining.trainVideo(m, data, armRecipe, bar));
      }
      VideoEval.Outcome o;
      long t0 = System.nanoTime();
      try (ProgressBar bar = new ProgressBar("eval " + arm.toUpperCase(Locale.ROOT), p.evalClips(), "clip")) {
        o = VideoEval.imageToVideo(m, data, p.evalClips(), 8, p.ddimSteps(), p.cfg(), SEED + 7, bar);
      }
      seconds.put(arm, (System.nanoTime() - t0) / 1e9);
      metrics.put(arm, o.metrics());
      truth = o.truth();
      for (int i = 0; i < Math.min(4, p.evalClips()); i++) {
        if (arm.equals("a")) strip.add(VideoIO.frames(truth.frames().select(0, i)));
        strip.add(VideoIO.frames(o.clips().select(0, i)));
      }
      if (arm.equals("a")) armA = m;
    }
    // frame prediction: arm A fine-tuned with L given frames, then rolled out
    VideoTraining.Log fpLog;
    try (ProgressBar bar = new ProgressBar("frame prediction", p.fpSteps(), "clip")) {
      fpLog = VideoTraining.trainVideo(armA, data, new VideoTraining.Recipe(p.fpSteps(), p.batch(), p.lr(), p.fpGiven(), SEED + 2, p.ema()), bar);
    }
    VideoEval.Outcome roll;
    try (ProgressBar bar = new ProgressBar("rollouts", p.rolloutClips(), "clip")) {
      roll = VideoEval.rollout(armA, data, p.rolloutClips(), p.fpGiven(), p.rollouts(), p.ddimSteps(), p.cfg(), SEED + 9, bar);
    }
    List<List<BufferedImage>> rollStrip = new ArrayList<>();
    for (int i = 0; i < Math.min(3, p.rolloutClips()); i++) {
      rollStrip.add(VideoIO.frames(roll.truth().frames().select(0, i)));
      rollStrip.add(VideoIO.frames(roll.clips().select(0, i)));
    }
    VideoIO.writeStrip(out.resolve("strips_image_to_video.png"), strip, 3);
    VideoIO.writeStrip(out.resolve("image_model_samples.png"), imageStrip, 3);
    VideoIO.writeStrip(out.resolve("strips_rollout.png"), rollStrip, 3);
    VideoIO.writeGif(out.resolve("arm_a_example.gif"), strip.get(1), 150, 4);

    // verdict (spec §6(e) pass criteria)
    Map<String, Double> a = metrics.get("a"), b = metrics.get("b"), c = metrics.get("c");
    Map<String, Object> checks = new LinkedHashMap<>();
    checks.put("A_ge_B_first_frame_ssim", a.get("first_frame_ssim") >= b.get("first_frame_ssim"));
    checks.put("A_ge_B_consistency", a.get("adjacent_consistency") >= b.get("adjacent_consistency"));
    checks.put("A_motion_not_lower_than_B", a.get("speed") >= 0.9 * b.get("speed"));
    checks.put("A_lower_speed_error_than_B", a.get("speed_error") < b.get("speed_error"));
    if (c != null) checks.put("A_much_higher_ssim_than_C", a.get("first_frame_ssim") - c.get("first_frame_ssim") >= 0.1);
    double traj = roll.metrics().get("trajectory_error");
    checks.put("rollout_trajectory_error_below_2px", traj < 2.0);
    checks.put("rollout_no_collapse", roll.metrics().get("tracked") >= 0.8);
    boolean reproduced = checks.values().stream().allMatch(v -> (Boolean) v);

    Map<String, Object> m = new LinkedHashMap<>();
    m.put("image_model_a_samples", imageSamples.get("a"));
    m.put("image_model_b_samples", imageSamples.get("b"));
    for (String arm : arms) m.put("arm_" + arm, metrics.get(arm));
    m.put("rollout", roll.metrics());
    m.put("checks", checks);
    m.put("image_model_steps", imageLog.losses().size());
    m.put("video_steps_per_arm", logs.get("a").losses().size());
    m.put("frame_prediction_steps", fpLog.losses().size());
    m.put("image_model_final_loss_v_zsnr", imageLog.finalLoss(50));
    m.put("image_model_final_loss_eps_linear", imageLogs.get("b").finalLoss(50));
    for (String arm : arms) m.put("arm_" + arm + "_final_loss", logs.get(arm).finalLoss(50));
    m.put("frame_prediction_final_loss", fpLog.finalLoss(50));
    m.put("image_model_seconds", imageLog.seconds() + imageLogs.get("b").seconds());
    m.put("image_model_ms_per_step", 1000 * (imageLog.seconds() + imageLogs.get("b").seconds()) / (2.0 * imageLog.losses().size()));
    m.put("video_ms_per_step", 1000 * arms.stream().mapToDouble(x -> logs.get(x).seconds()).sum() / (arms.size() * (double) logs.get("a").losses().size()));
    for (String arm : arms) m.put("arm_" + arm + "_train_seconds", logs.get(arm).seconds());
    for (String arm : arms) m.put("arm_" + arm + "_eval_seconds", seconds.get(arm));
    m.put("frame_prediction_seconds", fpLog.seconds());
    m.put("image_model_parameters", Params.count(image));
    m.put("inserted_parameters", Params.count(armA.inserted()));
    m.put("load_average_start", run.loadAtStart());
    m.put("load_average_end", Machine.loadAverage());

    LineChart losses = Plot.line("Training loss (mean of 20 steps)").xLabel("step").yLabel("MSE");
    losses.series("image model (v, ZTSNR)", smooth(imageLog.losses(), 20));
    losses.series("image model (ε, linear)", smooth(imageLogs.get("b").losses(), 20));
    for (String arm : arms) losses.series("arm " + arm.toUpperCase(Locale.ROOT) + " (" + VideoConfig.arm(arm, 16, 4).process() + ")", smooth(logs.get(arm).losses(), 20));
    losses.series("frame prediction (A, L = " + p.fpGiven() + ")", smooth(fpLog.losses(), 20));
    losses.write(out.resolve("losses.png"));
    double[] xs = new double[p.rollouts()], ys = new double[p.rollouts()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = i + 1;
      ys[i] = roll.metrics().get("trajectory_error_window_" + (i + 1));
    }
    Plot.line("Frame prediction: centroid trajectory error per rollout window").xLabel("window").yLabel("px").series("arm A", xs, ys)
        .reference(2.0, "2 px bound").write(out.resolve("rollout_error.png"));

    String notes = String.format(Locale.ROOT, "%s preset: %d×%d frames, T = %d, image UNet widths %s%s; %d steps (batch %d) for each of the two image models, %d video "
        + "steps per arm (lr %s, batch %d clips), %d frame-prediction steps (L = %d), fixed step counts; every model sampled and frozen "
        + "as an EMA of its weights (decay %s); arms %s; %d held-out clips, %d DDIM steps, CFG %s. Measured %.0f ms per image-model step, %.0f ms "
        + "per video step. Load average at start %s, at end %s. Toy proxies of the paper's metrics (pixel SSIM, pixel-space adjacent-frame "
        + "cosine, colour-tracked centroid speed), not AIGCBench's.",
        p.name(), p.size(), p.size(), p.frames(), java.util.Arrays.toString(p.widths()),
        p.x0Head() ? " with an x̂₀ head (turned into each arm's v̂ or ε̂; losses and sampler unchanged)" : "", imageLog.losses().size(), p.baseBatch(),
        logs.get("a").losses().size(), p.lr(), p.batch(), fpLog.losses().size(), p.fpGiven(), p.ema(),
        String.join(", ", arms).toUpperCase(Locale.ROOT) + (p.armC() ? "" : " (arm C runs in the full preset)"), p.evalClips(), p.ddimSteps(), p.cfg(),
        (double) m.get("image_model_ms_per_step"), (double) m.get("video_ms_per_step"), run.loadAtStart(), Machine.loadAverage());
    AtomicFiles.writeString(out.resolve("README.md"), readme(p, arms, imageSamples, metrics, roll.metrics(), checks, reproduced, notes, run.seconds()));
    return run.result().seed(SEED).metrics(m).references(PAPER).reproduced(reproduced).notes(notes).build();
  }

  static double[] smooth(List<Double> v, int w) {
    double[] out = new double[v.size()];
    double s = 0;
    for (int i = 0; i < v.size(); i++) {
      s += v.get(i);
      if (i >= w) s -= v.get(i - w);
      out[i] = s / Math.min(i + 1, w);
    }
    return out;
  }

  private static String readme(Preset p, List<String> arms, Map<String, Map<String, Double>> imageSamples, Map<String, Map<String, Double>> metrics,
      Map<String, Double> roll,
      Map<String, Object> checks, boolean reproduced, String notes, double seconds) {
    StringBuilder s = new StringBuilder();
    s.append("# AtomoVideo (arXiv 2403.01800): toy reproduction\n\n");
    s.append(String.format(Locale.ROOT, "Preset `%s`, %.0f s. Verdict: **%s**.%n%n", p.name(), seconds, reproduced ? "reproduced" : "not reproduced"));
    s.append(notes).append("\n\n");
    s.append("## The frozen image models' own samples (8 per colour class)\n\n| measure | image model A (").append(VideoConfig.arm("a", 16, 4).baseProcess())
        .append(") | image model B (").append(VideoConfig.arm("b", 16, 4).baseProcess()).append(") | true frames |\n|---|---|---|---|\n");
    for (String k : new String[] {"sprite_found", "blob_pixels", "stray_pixels"}) {
      s.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f |%n", k, imageSamples.get("a").get(k), imageSamples.get("b").get(k),
          imageSamples.get("a").get(k + "_true")));
    }
    s.append("\nsprite_found: the largest group of pixels within 0.3 of the class colour holds at least 4 pixels; stray_pixels: bright pixels (a "
        + "channel above 0.5) of another colour.\n\n![image model samples](image_model_samples.png)\n\nRows: two colour classes per row, 8 samples each; "
        + "image model A's rows first, then B's.\n\n");
    s.append("## Image-to-video on held-out clips\n\n");
    s.append("| measure | paper (Table 1, AtomoVideo) |");
    for (String arm : arms) s.append(" arm ").append(arm.toUpperCase(Locale.ROOT)).append(" |");
    s.append("\n|---|---|");
    for (int i = 0; i < arms.size(); i++) s.append("---|");
    s.append('\n');
    String[][] rows = {{"first_frame_ssim", "0.759 (SSIM, 512²)"}, {"adjacent_consistency", "0.9938 (ICS, CLIP)"},
        {"speed", "3.124 (RAFT flow)"}, {"speed_true", "-"}, {"speed_error", "-"}, {"direction_agreement", "-"}, {"brightness_error", "-"},
        {"tracked", "-"}, {"tracked_first_frame", "-"}};
    for (String[] r : rows) {
      s.append("| ").append(r[0]).append(" | ").append(r[1]).append(" |");
      for (String arm : arms) s.append(String.format(Locale.ROOT, " %.4f |", metrics.get(arm).get(r[0])));
      s.append('\n');
    }
    s.append("\nArm A: zero terminal SNR + v-prediction, concat + semantic injection. Arm B: linear β, ε-prediction, concat + semantic. "
        + "Arm C: as A, semantic injection only. Speeds in px per frame (true speed shown); brightness error in [0, 1] intensity.\n\n");
    s.append("![image-to-video strips](strips_image_to_video.png)\n\n");
    s.append("Rows: the true clip, then arm A, B");
    s.append(arms.contains("c") ? ", C" : "").append(" for the same first frame and motion prompt; four held-out clips.\n\n");
    s.append("## Frame prediction (arm A fine-tuned, L = ").append(p.fpGiven()).append(")\n\n| measure | value |\n|---|---|\n");
    for (Map.Entry<String, Double> e : roll.entrySet()) s.append(String.format(Locale.ROOT, "| %s | %.4f |%n", e.getKey(), e.getValue()));
    s.append("\n![rollout strips](strips_rollout.png)\n\nRows: true clip, then the rollout from its first L frames.\n\n");
    s.append("![rollout error](rollout_error.png) ![losses](losses.png)\n\n");
    s.append("## Pass criteria (spec §6(e))\n\n| check | passed |\n|---|---|\n");
    for (Map.Entry<String, Object> e : checks.entrySet()) s.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
    return s.toString();
  }
}
