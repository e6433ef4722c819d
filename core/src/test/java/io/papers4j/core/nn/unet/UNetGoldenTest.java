package io.papers4j.core.nn.unet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.core.io.Safetensors;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.T;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** A tiny UNet2DConditionModel against tools/reference/unet_reference.py (PyTorch 1.13, float64). */
class UNetGoldenTest {
  private static Path resource(String name) throws Exception {
    return Path.of(UNetGoldenTest.class.getResource("/nn/unet_golden/" + name).toURI());
  }

  @Test
  void forward_matches_the_pytorch_reference_with_diffusers_names_and_config() throws Exception {
    JsonNode json = new ObjectMapper().readTree(resource("config.json").toFile());
    UNet2DConditionModel.Config config = UNet2DConditionModel.Config.fromDiffusers(json);
    UNet2DConditionModel unet = new UNet2DConditionModel(config, Init.normal(0, 0.02, ScalarType.Double));
    // every name and shape must match the reference's 208 tensors, none missing, none extra
    Params.load(unet, Safetensors.read(resource("model.safetensors")), "model.safetensors");
    assertThat(unet.namedParameters()).hasSize(208);
    Map<String, Tensor> e = Safetensors.read(resource("expected.safetensors"));
    Tensor y = unet.forward(e.get("x"), e.get("t"), e.get("context"));
    double d = T.maxDiff(y, e.get("y"));
    System.out.printf("UNet2DConditionModel vs PyTorch reference: maxdiff %.3g (|y| max %.3g)%n", d,
        e.get("y").abs().max().item_double());
    assertThat(y.shape()).containsExactly(e.get("y").shape());
    assertThat(d).isLessThan(1e-10);
  }

  @Test
  void diffusers_config_round_trips_and_unsupported_settings_are_named() throws Exception {
    ObjectMapper om = new ObjectMapper();
    JsonNode json = om.readTree(resource("config.json").toFile());
    UNet2DConditionModel.Config c = UNet2DConditionModel.Config.fromDiffusers(json);
    UNet2DConditionModel.Config again = UNet2DConditionModel.Config.fromDiffusers(om.valueToTree(c.toDiffusers()));
    assertThat(again.toDiffusers()).isEqualTo(c.toDiffusers());
    assertThat(c.blockOutChannels()).containsExactly(4, 8);
    assertThat(c.crossAttention()).containsExactly(false, true);
    assertThat(c.heads()).isEqualTo(2);
    ObjectNode bad = json.deepCopy();
    bad.put("norm_eps", 1e-6);
    assertThatThrownBy(() -> UNet2DConditionModel.Config.fromDiffusers(bad)).hasMessageContaining("norm_eps");
    ObjectNode noDown = json.deepCopy();
    noDown.remove("down_block_types");
    assertThatThrownBy(() -> UNet2DConditionModel.Config.fromDiffusers(noDown)).hasMessageContaining("missing down_block_types");
    ObjectNode mirror = json.deepCopy();
    mirror.putArray("up_block_types").add("UpBlock2D").add("CrossAttnUpBlock2D");
    assertThatThrownBy(() -> UNet2DConditionModel.Config.fromDiffusers(mirror)).hasMessageContaining("does not mirror");
  }
}
