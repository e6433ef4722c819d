package io.papers4j.vision.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.data.NotoEmoji;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small evaluation classifier trained on shapes (tiny: 120 steps): it learns the attributes,
 * round-trips through its checkpoint, and the evaluator tells real from wrong images.
 */
class EvaluatorTest {
  static LabelledImages train, held;
  static EvalClassifier clf;

  @BeforeAll
  static void trainOnce() {
    Engine.init(2);
    train = LabelledImages.shapes(1024, 1);
    held = LabelledImages.shapes(256, 2);
    clf = EvalClassifier.train(train, new EvalClassifier.Recipe(120, 32, 2e-3, 3), ProgressBar.Mode.OFF);
  }

  @Test
  void the_classifier_learns_colour_position_and_size() {
    double[] acc = clf.accuracy(held);
    System.out.printf("held-out accuracy shape %.3f colour %.3f position %.3f size %.3f%n", acc[0], acc[1], acc[2], acc[3]);
    assertThat(acc[1]).as("colour").isGreaterThan(0.9);
    assertThat(acc[2]).as("position").isGreaterThan(0.9);
    assertThat(acc[3]).as("size").isGreaterThan(0.75);
    assertThat(acc[0]).as("shape, chance 0.1").isGreaterThan(0.2);
    assertThat(clf.featuresOf(held.images()).shape()).containsExactly(256, EvalClassifier.FEATURES);
  }

  @Test
  void checkpoint_round_trip_gives_the_same_features(@TempDir Path dir) throws Exception {
    clf.save(dir.resolve("clf"), new EvalClassifier.Recipe(120, 32, 2e-3, 3), "shapes");
    EvalClassifier back = EvalClassifier.load(dir.resolve("clf"));
    Tensor x = held.images().narrow(0, 0, 8);
    assertThat(back.featuresOf(x).sub(clf.featuresOf(x)).abs().max().item_double()).isEqualTo(0.0);
    assertThat(back.config().classes().get(1)).containsExactly(CaptionedShapes.COLOURS);
    Files.writeString(dir.resolve("clf/config.json"), "{\"model_type\": \"llama\"}");
    assertThatThrownBy(() -> EvalClassifier.load(dir.resolve("clf"))).hasMessageContaining("is not a classifier checkpoint: config.json has model_type llama, expected papers4j-eval-classifier");
    assertThatThrownBy(() -> EvalClassifier.load(dir.resolve("none"))).hasMessageContaining("config.json");
    assertThatThrownBy(() -> clf.features(torch.rand(2, 3, 28, 28))).hasMessageContaining("takes images (B, 3, 32, 32)");
  }

  @Test
  void evaluator_prefers_real_images_and_checks_requests() {
    Evaluator ev = new Evaluator(clf, train.images().narrow(0, 0, 512), 10, 200);
    Map<String, Double> real = ev.evaluate(held.images(), held.labels(), 1);
    Tensor noise = torch.rand(256, 3, 32, 32);
    Map<String, Double> fake = ev.evaluate(noise, held.labels(), 1);
    System.out.println("held-out real: " + real + "\nuniform noise: " + fake);
    assertThat(real).containsKeys("FD-Shapes", "KID-Shapes", "KID-Shapes-std", "attribute-accuracy-colour", "attribute-accuracy");
    assertThat(real.get("FD-Shapes")).isLessThan(fake.get("FD-Shapes") / 5);
    assertThat(Math.abs(real.get("KID-Shapes"))).isLessThan(fake.get("KID-Shapes") / 5);
    assertThat(real.get("attribute-accuracy-colour")).isCloseTo(clf.accuracy(held)[1], org.assertj.core.api.Assertions.within(1e-12));
    // Requests that name only the colour: the other heads are left out; a wrong colour is scored wrong.
    Tensor onlyColour = torch.full(new long[] {256, 4}, new Scalar(-1), new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
    onlyColour.select(1, 1).copy_(held.labels().select(1, 1).add(new Scalar(1)).remainder(new Scalar(8)));
    Map<String, Double> wrong = ev.accuracy(held.images(), onlyColour);
    assertThat(wrong).containsOnlyKeys("attribute-accuracy-colour", "attribute-accuracy");
    assertThat(wrong.get("attribute-accuracy-colour")).isLessThan(0.1);
    assertThatThrownBy(() -> ev.accuracy(held.images(), torch.zeros(256, 1))).hasMessageContaining("(N, 4)");
  }

  @Test
  void noto_emoji_load_with_their_names() {
    Assumptions.assumeTrue(Files.exists(NotoEmoji.DEFAULT_FONT), "needs Debian fonts-noto-color-emoji");
    LabelledImages e = LabelledImages.emoji(NotoEmoji.DEFAULT_FONT, 32);
    System.out.println(e.count() + " emoji, e.g. " + e.captions().subList(0, 5) + ", blocks " + e.classes().get(1));
    assertThat(e.count()).isGreaterThan(1000);
    assertThat(e.images().shape()).containsExactly(e.count(), 3, 32, 32);
    int grin = e.captions().indexOf("grinning face");
    assertThat(grin).isNotNegative();
    // the grinning face is a yellow disc on white: its centre pixel is yellow (red and green high, blue low)
    Tensor centre = e.images().get(grin).select(1, 16).select(1, 16); // (3)
    assertThat(centre.get(0).item_double()).isGreaterThan(0.8);
    assertThat(centre.get(1).item_double()).isGreaterThan(0.6);
    assertThat(centre.get(2).item_double()).isLessThan(0.4);
    assertThat(e.images().get(grin).select(1, 0).select(1, 0).min().item_double()).isGreaterThan(0.95); // white corner
  }

  @Test
  void emojiGroupsAreReadFromTheSingleCodePointLinesOfEmojiTest(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    // lines in the format of Unicode's emoji-test.txt (UTS #51): FE0F is dropped, sequences and components are skipped
    java.nio.file.Path f = dir.resolve("emoji-test.txt");
    Files.writeString(f, String.join("\n",
        "# group: Smileys & Emotion", "# subgroup: face-smiling",
        "1F600                                                  ; fully-qualified     # 😀 E1.0 grinning face",
        "263A FE0F                                              ; fully-qualified     # ☺️ E0.6 smiling face",
        "263A                                                   ; unqualified         # ☺ E0.6 smiling face",
        "# group: Component",
        "1F3FB                                                  ; component           # 🏻 E1.0 light skin tone",
        "# group: Food & Drink",
        "1F34E                                                  ; fully-qualified     # 🍎 E0.6 red apple",
        "1F9D1 200D 1F373                                       ; fully-qualified     # 🧑‍🍳 E12.1 cook",
        "# group: Flags",
        "1F3C1                                                  ; fully-qualified     # 🏁 E0.6 chequered flag", ""));
    assertThat(NotoEmoji.groups(f)).containsExactlyInAnyOrderEntriesOf(
        Map.of(0x1F600, "smileys", 0x263A, "smileys", 0x1F34E, "food", 0x1F3C1, "flags"));
    Files.writeString(dir.resolve("other.txt"), "not an emoji list\n");
    assertThatThrownBy(() -> NotoEmoji.groups(dir.resolve("other.txt"))).hasMessageContaining("no emoji group lines");
    assertThatThrownBy(() -> NotoEmoji.groups(dir.resolve("missing.txt"))).hasMessageContaining("install the Debian package unicode-data");
  }

  @Test
  void anEmojiGroupKeepsItsOwnEmojiOnly() {
    Assumptions.assumeTrue(Files.exists(NotoEmoji.DEFAULT_FONT) && Files.exists(NotoEmoji.EMOJI_TEST), "needs Debian fonts-noto-color-emoji and unicode-data");
    java.util.List<NotoEmoji.Emoji> all = NotoEmoji.load(NotoEmoji.DEFAULT_FONT);
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    int total = 0;
    for (String g : NotoEmoji.GROUPS) {
      java.util.List<NotoEmoji.Emoji> in = NotoEmoji.inGroup(all, g, NotoEmoji.EMOJI_TEST);
      for (NotoEmoji.Emoji e : in) assertThat(seen.add(e.codePoint())).as("%s in two groups", e.name()).isTrue();
      total += in.size();
    }
    assertThat(total).isGreaterThan(all.size() * 95 / 100); // nearly every emoji of the font has a group
    java.util.List<String> food = NotoEmoji.inGroup(all, "food", NotoEmoji.EMOJI_TEST).stream().map(NotoEmoji.Emoji::name).toList();
    assertThat(food).contains("red apple", "green salad", "teapot").doesNotContain("grinning face", "dog face");
    java.util.List<String> smileys = NotoEmoji.inGroup(all, "smileys", NotoEmoji.EMOJI_TEST).stream().map(NotoEmoji.Emoji::name).toList();
    assertThat(smileys).contains("grinning face", "green heart").doesNotContain("red apple");
    LabelledImages set = LabelledImages.emoji(NotoEmoji.DEFAULT_FONT, 32, "food");
    assertThat(set.captions()).isEqualTo(food);
    assertThat(set.classes().get(0)).isEqualTo(food);
    assertThatThrownBy(() -> NotoEmoji.inGroup(all, "fruit", NotoEmoji.EMOJI_TEST)).hasMessageContaining("must be all or one of smileys");
  }
}
