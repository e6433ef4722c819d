package io.papers4j.multimodal.vlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ChatRequestTest {
  static String dataUrl(String format, int w, int h) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xff0000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, format, out);
    return "data:image/" + format + ";base64," + Base64.getEncoder().encodeToString(out.toByteArray());
  }

  @Test
  void parsesTextAndImagePartsInOrder() throws Exception {
    String body = """
        {"model": "infimm", "max_tokens": 12, "messages": [
          {"role": "system", "content": "be brief"},
          {"role": "user", "content": [
            {"type": "text", "text": "read "},
            {"type": "image_url", "image_url": {"url": "%s"}},
            {"type": "text", "text": " and "},
            {"type": "image_url", "image_url": {"url": "%s"}}]}]}
        """.formatted(dataUrl("png", 5, 3), dataUrl("jpeg", 40, 17));
    ChatRequest r = ChatRequest.parse(body);
    assertThat(r.maxTokens()).isEqualTo(12);
    assertThat(r.messages()).hasSize(2);
    assertThat(r.messages().get(1).text()).isEqualTo("read <image> and <image>");
    assertThat(r.images()).hasSize(2);
    assertThat(r.images().get(0).getWidth()).isEqualTo(5);
    assertThat(r.images().get(1).getHeight()).isEqualTo(17);
    assertThat(r.images().get(0).getRGB(0, 0) & 0xffffff).isEqualTo(0xff0000);
  }

  @Test
  void malformedImagePartsGiveClearMessages() throws Exception {
    String tpl = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",%s}]}]}";
    assertThatThrownBy(() -> ChatRequest.parse(tpl.formatted("\"x\":1")))
        .hasMessageContaining("messages[0].content[0]: an image_url part needs image_url.url");
    assertThatThrownBy(() -> ChatRequest.parse(tpl.formatted("\"image_url\":{\"url\":\"https://example.com/a.png\"}")))
        .hasMessageContaining("only data: URLs are accepted");
    assertThatThrownBy(() -> ChatRequest.parse(tpl.formatted("\"image_url\":{\"url\":\"data:image/png,abc\"}")))
        .hasMessageContaining("must be base64");
    assertThatThrownBy(() -> ChatRequest.parse(tpl.formatted("\"image_url\":{\"url\":\"data:image/png;base64,@@@\"}")))
        .hasMessageContaining("invalid base64");
    String notImage = Base64.getEncoder().encodeToString("hello, not a picture".getBytes());
    assertThatThrownBy(() -> ChatRequest.parse(tpl.formatted("\"image_url\":{\"url\":\"data:image/png;base64," + notImage + "\"}")))
        .hasMessageContaining("not a PNG/JPEG/GIF/BMP image");
    String png = dataUrl("png", 8, 8);
    String truncated = png.substring(0, png.length() / 2 / 4 * 4); // a PNG cut in the middle of its data
    assertThatThrownBy(() -> ChatRequest.parse(tpl.formatted("\"image_url\":{\"url\":\"" + truncated + "\"}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("messages[0].content[0]");
    assertThatThrownBy(() -> ChatRequest.parse("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}"))
        .hasMessageContaining("unknown part type 'audio'");
    assertThatThrownBy(() -> ChatRequest.parse("{\"messages\":[]}")).hasMessageContaining("non-empty array");
    assertThatThrownBy(() -> ChatRequest.parse("not json")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> ChatRequest.parse("{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"))
        .hasMessageContaining("role must be");
  }
}
