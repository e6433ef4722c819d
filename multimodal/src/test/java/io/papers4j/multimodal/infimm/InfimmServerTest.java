package io.papers4j.multimodal.infimm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.multimodal.vlm.ChatRequest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class InfimmServerTest {
  static String png() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(37, 21, BufferedImage.TYPE_INT_RGB), "png", out);
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
  }

  @Test
  void answersAnImageQuestionAndRefusesMessagesWithoutAnImage() throws Exception {
    InfimmServer s = new InfimmServer("infimm-hd", new InfimmModel(InfimmTrainingTest.tiny(), 1), InfimmModel.Resolution.DYNAMIC);
    String ok = "{\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + png()
        + "\"}},{\"type\":\"text\",\"text\":\"text at top?\"}]}]}";
    assertThat(s.reply(ChatRequest.parse(ok)).length()).isLessThanOrEqualTo(3);
    assertThatThrownBy(() -> s.reply(ChatRequest.parse("{\"messages\":[{\"role\":\"user\",\"content\":\"no picture\"}]}")))
        .hasMessageContaining("exactly one image_url part");
    String noQuestion = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + png() + "\"}}]}]}";
    assertThatThrownBy(() -> s.reply(ChatRequest.parse(noQuestion))).hasMessageContaining("no question text");
  }

  /** {@code infimm serve --precision bf16}: the same request answered with the forward passes under bf16 autocast. */
  @Test
  void answersInBf16AndLeavesTheThreadInFloat32() throws Exception {
    InfimmServer s = new InfimmServer("infimm-hd", new InfimmModel(InfimmTrainingTest.tiny(), 1), InfimmModel.Resolution.DYNAMIC,
        io.papers4j.core.tensor.Precision.BF16);
    String ok = "{\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + png()
        + "\"}},{\"type\":\"text\",\"text\":\"text at top?\"}]}]}";
    String answer = s.reply(ChatRequest.parse(ok));
    assertThat(answer).isNotNull();
    assertThat(answer.length()).isLessThanOrEqualTo(3);
    // the region closes with the request: the handling thread is back in float32
    assertThat(org.bytedeco.pytorch.global.torch.is_autocast_enabled(org.bytedeco.pytorch.global.torch.DeviceType.CPU)).isFalse();
  }
}
