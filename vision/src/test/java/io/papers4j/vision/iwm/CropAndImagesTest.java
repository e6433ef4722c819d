package io.papers4j.vision.iwm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.data.NotoEmoji;
import io.papers4j.core.data.SkimageData;
import io.papers4j.core.tensor.Engine;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spec 2(b) step 1 (random resized crop + flip shared by both views) against torchvision 0.14
 * ({@code tools/reference/iwm_crop_golden.py}), and the real colour images of issue 18.
 */
class CropAndImagesTest {
  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @Test
  void resizedCropAndFlipEqualTorchvision() throws Exception {
    JsonNode g;
    try (InputStream in = CropAndImagesTest.class.getResourceAsStream("/iwm/crop_golden.json")) {
      g = new ObjectMapper().readTree(in);
    }
    long[] shape = {g.get("shape").get(0).asLong(), g.get("shape").get(1).asLong(), g.get("shape").get(2).asLong()};
    Tensor image = PhotometricGoldenTest.tensor(g.get("image"), shape);
    for (JsonNode c : g.get("cases")) {
      JsonNode b = c.get("box");
      Actions.Crop crop = new Actions.Crop(b.get(0).asInt(), b.get(1).asInt(), b.get(2).asInt(), b.get(3).asInt(), c.get("flip").asBoolean());
      Tensor want = PhotometricGoldenTest.tensor(c.get("expected"), shape);
      double diff = Actions.resizedCrop(image, crop).sub(want).abs().max().item_double();
      System.out.printf("crop %s: max |Δ| vs torchvision = %.2e%n", crop, diff);
      assertThat(diff).as("crop %s", crop).isLessThan(1e-6);
    }
  }

  @Test
  void sampledBoxesFollowRandomResizedCropsRanges() {
    Random rng = new Random(1);
    int flips = 0, n = 2000;
    for (int i = 0; i < n; i++) {
      Actions.Crop c = Actions.sampleCrop(32, 32, 0.3, rng);
      assertThat(c.top()).isBetween(0, 32 - c.height());
      assertThat(c.left()).isBetween(0, 32 - c.width());
      double area = c.height() * c.width() / 1024.0, aspect = (double) c.width() / c.height();
      // rounding each side to whole pixels moves the area and aspect a little past the sampled range
      assertThat(area).isBetween(0.3 * 0.85, 1.0);
      assertThat(aspect).isBetween(0.75 * 0.9, 4.0 / 3 / 0.9);
      if (c.flip()) flips++;
    }
    assertThat(flips).isBetween(n / 2 - 100, n / 2 + 100); // p = 0.5: ±4.5 standard deviations
    assertThatThrownBy(() -> Actions.sampleCrop(32, 32, 0, rng)).hasMessageContaining("crop scale");
  }

  @Test
  void cropAndFlipKeepsShapeAndRange() {
    Tensor images = torch.rand(4, 3, 16, 16);
    Tensor out = Actions.cropAndFlip(images, 0.3, new Random(3));
    assertThat(out.shape()).containsExactly(4, 3, 16, 16);
    assertThat(out.min().item_float()).isGreaterThanOrEqualTo(0f);
    assertThat(out.max().item_float()).isLessThanOrEqualTo(1f);
    assertThatThrownBy(() -> new IwmTraining.Recipe(1, 1, 1e-3, 0, true, 1.5)).hasMessageContaining("crop scale");
  }

  @Test
  void photoCropsAreLabelledByPhotoAndDeterministic() {
    assumeThat(Files.isDirectory(SkimageData.DIR)).as("install " + SkimageData.DEBIAN_PACKAGE).isTrue();
    ColourShapes.Data a = RealImages.photoCrops(SkimageData.DIR, false, 20, 32, 1);
    ColourShapes.Data b = RealImages.photoCrops(SkimageData.DIR, false, 20, 32, 1);
    ColourShapes.Data t = RealImages.photoCrops(SkimageData.DIR, true, 20, 32, 1);
    assertThat(a.images().shape()).containsExactly(20, 3, 32, 32);
    assertThat(a.images().sub(b.images()).abs().max().item_float()).isZero();
    assertThat(a.images().sub(t.images()).abs().max().item_float()).isGreaterThan(0f);
    assertThat(a.labels().min().item_long()).isGreaterThanOrEqualTo(0);
    assertThat(a.labels().max().item_long()).isLessThan(RealImages.PHOTOS.size());
    assertThat(a.images().min().item_float()).isGreaterThanOrEqualTo(0f);
    assertThat(a.images().max().item_float()).isLessThanOrEqualTo(1f);
    // real photos have texture: a crop is not one flat colour
    assertThat(a.images().std().item_float()).isGreaterThan(0.05f);
  }

  @Test
  void missingPhotosNameThePackage() {
    assertThatThrownBy(() -> RealImages.photoCrops(Path.of("/nonexistent"), false, 4, 32, 1)).hasMessageContaining("python3-skimage");
  }

  @Test
  void emojiAreLabelledByUnicodeBlockAndSplitFourToOne() {
    assumeThat(Files.isRegularFile(NotoEmoji.DEFAULT_FONT)).as("install " + NotoEmoji.DEBIAN_PACKAGE).isTrue();
    ColourShapes.Data train = RealImages.emoji(false, 16), test = RealImages.emoji(true, 16);
    assertThat(train.images().size(1)).isEqualTo(3);
    assertThat(train.size()).isBetween(3 * test.size(), 5 * test.size());
    assertThat(train.labels().max().item_long()).isGreaterThanOrEqualTo(3); // several blocks
  }
}
