package io.papers4j.multimodal.movie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.io.AnimatedGif;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyframeTest {
  static final KeyframeConfig TINY = new KeyframeConfig(16, 4, 16, 1, 2, 384, 48, "v");
  static TextFeatures text;

  @BeforeAll
  static void load() {
    Engine.init(2);
    text = TextFeatures.load(48);
  }

  @Test
  void styles_are_measurable_by_the_colour_histogram_distance() {
    SplittableRandom rng = new SplittableRandom(1);
    List<BufferedImage> same = new ArrayList<>(), mixed = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Plot.Frame f = KeyframeRenderer.randomFrame(rng);
      same.add(KeyframeRenderer.render(f, StoryWorld.style("noir"), 32, i));
      mixed.add(KeyframeRenderer.render(f, StoryWorld.style(StoryWorld.KEYWORD_ORDER.get(i % 4)), 32, i));
    }
    assertThat(Consistency.styleDistance(same)).isLessThan(Consistency.styleDistance(mixed));
    // the character's clothes colour is drawn: a red figure puts red pixels on a natural frame
    Plot.Frame red = new Plot.Frame("x", "castle", List.of("A"), List.of("a man in red"), "standing", "calm");
    BufferedImage img = KeyframeRenderer.render(red, new StoryWorld.Style("natural", "flat", "none"), 32, 0);
    int reds = 0;
    for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) if (img.getRGB(x, y) == 0xffdc1e1e) reds++;
    assertThat(reds).isGreaterThan(10);
  }

  @Test
  void the_dit_starts_at_zero_velocity_trains_and_round_trips(@TempDir Path dir) {
    KeyframeDit m = new KeyframeDit(TINY, 0);
    TextFeatures.Encoded c = text.encode(List.of("a picture: at the forest, a man in red is walking, with a smile", "a picture: at the cave"));
    assertThat(c.tokens().shape()).containsExactly(2, 48, 384);
    Tensor z = torch.randn(2, 3, 16, 16);
    Tensor v = m.forward(z, Tensor.create(new float[] {0.3f, 0.9f}), c);
    assertThat(v.shape()).containsExactly(2, 3, 16, 16);
    assertThat(v.abs().max().item_double()).isEqualTo(0.0); // adaLN-Zero output layer
    double[] losses = KeyframeTraining.train(m, text, new KeyframeTraining.Options(3, 4, 8, 1e-3, 0.25, 0.5, 0), null);
    assertThat(losses).hasSize(3);
    for (double l : losses) assertThat(Double.isFinite(l)).isTrue();
    m.save(dir.resolve("t2i"), Map.of("steps", 3));
    KeyframeDit back = KeyframeDit.load(dir.resolve("t2i"));
    Tensor a = m.forward(z, Tensor.create(new float[] {0.3f, 0.9f}), c), b = back.forward(z, Tensor.create(new float[] {0.3f, 0.9f}), c);
    assertThat(torch.equal(a, b)).isTrue();
    assertThatThrownBy(() -> KeyframeDit.load(dir.resolve("nothing"))).hasMessageContaining("is not a keyframe model");
  }

  /** Clean-image prediction: at initialisation the network's x̂₀ is 0, so the velocity is z / max(t, 0.05). */
  @Test
  void x_prediction_returns_the_velocity_of_the_clean_image_estimate(@TempDir Path dir) throws Exception {
    KeyframeDit m = new KeyframeDit(TINY.withPrediction("x"), 0);
    TextFeatures.Encoded c = text.encode(List.of("a picture: at the cave", "a picture: at the beach"));
    Tensor z = torch.randn(2, 3, 16, 16);
    Tensor v = m.forward(z, Tensor.create(new float[] {0.5f, 0.01f}), c);
    assertThat(v.select(0, 0).sub(z.select(0, 0).div(new org.bytedeco.pytorch.Scalar(0.5))).abs().max().item_double()).isLessThan(1e-6);
    assertThat(v.select(0, 1).sub(z.select(0, 1).div(new org.bytedeco.pytorch.Scalar(0.05))).abs().max().item_double()).isLessThan(1e-4); // t clipped
    // the prediction is written to config.json; a config from before the field existed reads as velocity prediction
    m.save(dir.resolve("x"), Map.of());
    assertThat(KeyframeDit.load(dir.resolve("x")).config().prediction()).isEqualTo("x");
    Path cfg = dir.resolve("x/config.json");
    Files.writeString(cfg, Files.readString(cfg).replaceAll(",?\\s*\"prediction\"\\s*:\\s*\"x\"", ""));
    assertThat(Files.readString(cfg)).doesNotContain("prediction");
    assertThat(KeyframeDit.load(dir.resolve("x")).config().prediction()).isEqualTo("v");
    assertThatThrownBy(() -> TINY.withPrediction("eps")).hasMessageContaining("prediction must be v or x");
  }

  /**
   * Can the model memorise ONE example and give it back? The quick-size DiT trained 150 steps on one
   * image and its caption samples that image from fresh noise (Euler 20 steps, no guidance). Measured
   * (docs/moviellm.md): MAE 0.030 with velocity prediction, 0.058 with clean-image prediction; an
   * unrelated keyframe is ~0.2 away. The limits leave room for rounding only.
   */
  @Test
  void one_training_image_comes_back_from_sampling() {
    Plot.Frame f = new Plot.Frame("x", "forest", List.of("A"), List.of("a woman in red"), "walking", "smile");
    StoryWorld.Style st = StoryWorld.style("noir");
    BufferedImage img = KeyframeRenderer.render(f, st, 32, 0);
    String caption = KeyframeTraining.caption(f, st, true);
    for (String prediction : List.of("v", "x")) {
      Engine.seed(0);
      KeyframeDit m = new KeyframeDit(KeyframeConfig.quick().withPrediction(prediction), 0);
      KeyframeTraining.train(m, text, List.of(img), List.of(caption), new KeyframeTraining.Options(150, 8, 1, 1e-3, 0.1, 0.5, 0), null, Precision.F32);
      List<BufferedImage> back = KeyframeSampler.toImages(
          KeyframeSampler.sample(m, text.encode(List.of(caption, caption)), text.nullCondition(2), new long[] {20, 21}, 20, 1.0));
      double limit = prediction.equals("v") ? 0.04 : 0.08;
      for (BufferedImage b : back) {
        double mae = meanAbsoluteError(b, img);
        System.out.printf(java.util.Locale.ROOT, "one-example %s-prediction: sampled MAE %.4f (limit %.2f)%n", prediction, mae, limit);
        assertThat(mae).as(prediction).isLessThan(limit);
      }
    }
  }

  /** Mean absolute RGB difference in [0, 1] units. */
  static double meanAbsoluteError(BufferedImage a, BufferedImage b) {
    double s = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y), q = b.getRGB(x, y);
        for (int c = 0; c < 3; c++) s += Math.abs(((p >> (8 * c)) & 255) - ((q >> (8 * c)) & 255)) / 255.0;
      }
    }
    return s / (3.0 * a.getWidth() * a.getHeight());
  }

  /** The paper's style images: the frozen model's own samples for the style description, one per frame description. */
  @Test
  void generated_style_images_are_the_models_samples_for_the_style_description() {
    KeyframeDit m = new KeyframeDit(TINY, 3);
    KeyframeTraining.train(m, text, new KeyframeTraining.Options(2, 4, 8, 1e-2, 0.1, 0.5, 3), null);
    StyleImages.Examples ex = StyleImages.make(StyleImages.Source.GENERATED, m, text, "noir", 3, 2, 2.0, 40);
    assertThat(ex.images()).hasSize(3);
    assertThat(ex.descriptions()).hasSize(3);
    List<String> prompts = new ArrayList<>();
    for (String d : ex.descriptions()) prompts.add("a picture in " + StoryWorld.style("noir").description() + " style: " + d);
    List<BufferedImage> direct = KeyframeSampler.toImages(KeyframeSampler.sample(m, text.encode(prompts), text.nullCondition(3), new long[] {40, 41, 42}, 2, 2.0));
    for (int i = 0; i < 3; i++) assertThat(meanAbsoluteError(ex.images().get(i), direct.get(i))).isEqualTo(0.0);
    StyleImages.Examples drawn = StyleImages.make(StyleImages.Source.PROCEDURAL, m, text, "noir", 3, 2, 2.0, 40);
    assertThat(drawn.descriptions()).isEqualTo(ex.descriptions()); // the same frames, drawn instead of sampled
    assertThat(meanAbsoluteError(drawn.images().get(0), ex.images().get(0))).isGreaterThan(0.0);
    assertThatThrownBy(() -> StyleImages.Source.parse("drawn")).hasMessageContaining("must be generated or procedural");
  }

  @Test
  void textual_inversion_changes_only_the_one_embedding_row(@TempDir Path dir) {
    KeyframeDit m = new KeyframeDit(TINY, 1);
    KeyframeTraining.train(m, text, new KeyframeTraining.Options(2, 4, 8, 1e-3, 0.1, 0.5, 1), null);
    Map<String, Tensor> before = new HashMap<>();
    m.namedParameters().forEach((k, v) -> before.put("dit." + k, v.detach().clone()));
    text.encoder().namedParameters().forEach((k, v) -> before.put("text." + k, v.detach().clone()));
    SplittableRandom rng = new SplittableRandom(2);
    List<BufferedImage> imgs = new ArrayList<>();
    List<String> descs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Plot.Frame f = KeyframeRenderer.randomFrame(rng);
      imgs.add(KeyframeRenderer.render(f, StoryWorld.style("comic"), 16, i));
      descs.add(f.description());
    }
    StyleInversion.Learned learned = StyleInversion.learn(m, text, "comic", imgs, descs, new StyleInversion.Options(3, 5e-2, 2, 0));
    m.namedParameters().forEach((k, v) -> assertThat(torch.equal(v, before.get("dit." + k))).as(k).isTrue());
    text.encoder().namedParameters().forEach((k, v) -> assertThat(torch.equal(v, before.get("text." + k))).as(k).isTrue());
    Tensor original = text.encoder().wordEmbeddings().select(0, learned.tokenId());
    assertThat(learned.row().sub(original).abs().max().item_double()).isGreaterThan(1e-4);
    // the learned row changes the features of prompts with the keyword only
    List<String> with = List.of("a picture in comic style: at the beach"), without = List.of("a picture: at the beach");
    assertThat(torch.equal(learned.encode(text, without).tokens(), text.encode(without).tokens())).isTrue();
    assertThat(torch.equal(learned.encode(text, with).tokens(), text.encode(with).tokens())).isFalse();
    // with the keyword's own row, the embedding path equals the id path
    assertThat(text.encode(with, learned.tokenId(), original).tokens().sub(text.encode(with).tokens()).abs().max().item_double()).isLessThan(1e-5);
    learned.save(dir.resolve("style.safetensors"));
    assertThat(torch.equal(StyleInversion.load(dir.resolve("style.safetensors"), text).row(), learned.row())).isTrue();
    assertThatThrownBy(() -> text.tokenId("zzqxv")).hasMessageContaining("is not a single token");
  }

  @Test
  void a_movie_folder_holds_pngs_the_plot_and_a_gif(@TempDir Path dir) {
    Plot plot = PlotGrammar.expand("a picnic", 0, new PlotGrammar.Size(2, 1, 2), "vintage");
    List<BufferedImage> frames = MovieMaker.rendered(plot, 32, 0);
    MovieMaker.write(dir.resolve("m"), plot, frames);
    assertThat(dir.resolve("m/frames/frame_003.png")).exists();
    assertThat(Plot.read(dir.resolve("m/plot.json"))).isEqualTo(plot);
    assertThat(AnimatedGif.read(dir.resolve("m/movie.gif"))).hasSize(4);
    assertThat(Files.isRegularFile(dir.resolve("m/contact.png"))).isTrue();
  }

  /**
   * bf16 autocast. The DiT starts at zero velocity (adaLN-Zero), so the first loss is the same in
   * both precisions; after two updates only bfloat16 rounding separates them. Weights stay float32.
   */
  @Test
  void bf16TrainingTracksFloat32() {
    KeyframeDit a = new KeyframeDit(TINY, 0), b = new KeyframeDit(TINY, 0);
    KeyframeTraining.Options o = new KeyframeTraining.Options(3, 4, 8, 1e-3, 0.25, 0.5, 0);
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    double[] f32 = KeyframeTraining.train(a, text, o, null, Precision.F32);
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    double[] bf16 = KeyframeTraining.train(b, text, o, null, Precision.BF16);
    for (double x : bf16) assertThat(Double.isFinite(x)).isTrue();
    assertThat(bf16[2]).isCloseTo(f32[2], withinPercentage(3));
    b.namedParameters().forEach((k, v) -> assertThat(v.scalar_type().intern()).as(k).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float));
  }
}
