package io.papers4j.multimodal.infimm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLS-key option: off it changes nothing; on it removes exactly each crop's CLS token. */
class InfimmMaskClsTest {
  /** Patch 8, tile 16: 4 patches + 1 CLS per crop; a 32-px page gives a thumbnail and 2×2 tiles. */
  private static final int PER_CROP = 5;

  private static List<Tensor> pages() {
    Engine.seed(7);
    return List.of(torch.rand(3, 32, 32), torch.rand(3, 24, 32));
  }

  @Test
  void offTheTokensAreTheViTsOwnAndOnEachCropsClsIsGone() {
    Engine.init(2);
    InfimmConfig off = InfimmTrainingTest.tiny();
    assertThat(off.maskCls()).isFalse();
    InfimmModel kept = new InfimmModel(off, 4), dropped = new InfimmModel(off.withMaskCls(true), 4);
    List<Tensor> images = pages();

    // BASE: off, the tokens are the ViT's output as it is, CLS first (the behaviour before the option existed).
    Tensor square = Tiling.resize(Tiling.padToSquare(images.get(0)), off.baseResolution()).unsqueeze(0);
    Tensor vit = kept.vision.forward(square).select(0, 0); // (1 + P, Cv)
    Tensor base = kept.encodeImages(images.subList(0, 1), InfimmModel.Resolution.BASE)[0].select(0, 0);
    assertThat(torch.equal(base, vit)).isTrue();
    Tensor baseDropped = dropped.encodeImages(images.subList(0, 1), InfimmModel.Resolution.BASE)[0].select(0, 0);
    assertThat(baseDropped.size(0)).isEqualTo(vit.size(0) - 1);
    assertThat(torch.equal(baseDropped, vit.narrow(0, 1, vit.size(0) - 1))).isTrue();

    // DYNAMIC: same weights (the option adds none); the masked tokens are the kept ones less every 5th, from 0.
    Tensor[] a = kept.encodeImages(images, InfimmModel.Resolution.DYNAMIC);
    Tensor[] b = dropped.encodeImages(images, InfimmModel.Resolution.DYNAMIC);
    long m = a[0].size(1);
    assertThat(m % PER_CROP).isZero();
    assertThat(b[0].size(1)).isEqualTo(m / PER_CROP * (PER_CROP - 1));
    for (int i = 0; i < images.size(); i++) {
      long validKept = a[1].select(0, i).sum().item_long();
      List<Long> rows = new ArrayList<>();
      for (long t = 0; t < validKept; t++) if (t % PER_CROP != 0) rows.add(t);
      Tensor expected = a[0].select(0, i).index_select(0, Tensor.create(rows.stream().mapToLong(Long::longValue).toArray()));
      assertThat(b[1].select(0, i).sum().item_long()).isEqualTo(rows.size());
      assertThat(torch.allclose(b[0].select(0, i).narrow(0, 0, rows.size()), expected, 1e-6, 1e-6, false)).as("page %d", i).isTrue();
    }
    assertThat(images.get(1).size(1)).as("the second page is smaller: padding is still marked invalid").isLessThan(32);

    // The resampler (Tab. 7) reads the same CLS-free tokens and still gives its R latents.
    InfimmModel resampled = new InfimmModel(off.withMaskCls(true).withResampler(3), 4);
    assertThat(resampled.config().maskCls()).isTrue();
    assertThat(resampled.encodeImages(images, InfimmModel.Resolution.DYNAMIC)[0].size(1)).isEqualTo(3);
  }

  @Test
  void aConfigWithoutTheKeyLoadsWithItOffAndTheKeyRoundTrips(@TempDir Path dir) throws Exception {
    Engine.init(2);
    ObjectMapper json = new ObjectMapper();
    new InfimmModel(InfimmTrainingTest.tiny().withMaskCls(true), 1).save(dir.resolve("on"), Map.of());
    assertThat(json.readTree(dir.resolve("on/config.json").toFile()).get("maskCls").asBoolean()).isTrue();
    assertThat(InfimmModel.load(dir.resolve("on"), null).config().maskCls()).isTrue();

    Path old = dir.resolve("old");
    new InfimmModel(InfimmTrainingTest.tiny(), 1).save(old, Map.of());
    ObjectNode cfg = (ObjectNode) json.readTree(old.resolve("config.json").toFile());
    cfg.remove("maskCls"); // a config.json written before the option existed
    Files.writeString(old.resolve("config.json"), json.writeValueAsString(cfg));
    InfimmModel loaded = InfimmModel.load(old, null);
    assertThat(loaded.config()).isEqualTo(InfimmTrainingTest.tiny());
    List<Tensor> images = pages();
    Tensor again = new InfimmModel(InfimmTrainingTest.tiny(), 1).encodeImages(images, InfimmModel.Resolution.DYNAMIC)[0];
    assertThat(torch.equal(loaded.encodeImages(images, InfimmModel.Resolution.DYNAMIC)[0], again)).isTrue();
  }
}
