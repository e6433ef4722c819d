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
  static final KeyframeConfig TINY = new KeyframeConfig(16, 4, 16, 1, 2, 384, 48);
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
