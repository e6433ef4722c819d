package io.papers4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnimatedGifTest {
  @Test
  void frames_read_back_pixel_for_pixel_with_the_loop_extension(@TempDir Path dir) throws Exception {
    int[] colours = {0xff0000, 0x00ff00, 0x0000ff};
    List<BufferedImage> frames = new java.util.ArrayList<>();
    for (int c : colours) {
      BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) img.setRGB(x, y, x == 0 ? 0xffffff : c);
      frames.add(img);
    }
    Path gif = dir.resolve("a.gif");
    AnimatedGif.write(gif, frames, 200, 2);
    List<BufferedImage> back = AnimatedGif.read(gif);
    assertThat(back).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(back.get(i).getWidth()).isEqualTo(8);
      assertThat(back.get(i).getRGB(7, 5) & 0xffffff).isEqualTo(colours[i]);
      assertThat(back.get(i).getRGB(1, 0) & 0xffffff).isEqualTo(0xffffff);
    }
    String bytes = new String(Files.readAllBytes(gif), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(bytes).startsWith("GIF89a").contains("NETSCAPE2.0");
    assertThatThrownBy(() -> AnimatedGif.read(dir.resolve("none.gif"))).hasMessageContaining("no such GIF");
    assertThatThrownBy(() -> AnimatedGif.write(gif, List.of(), 100, 1)).hasMessageContaining("no frames");
  }
}
