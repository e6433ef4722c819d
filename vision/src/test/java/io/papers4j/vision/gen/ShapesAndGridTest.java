package io.papers4j.vision.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Captioned shapes show the attributes their captions name; grids read back pixel for pixel. */
class ShapesAndGridTest {
  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  /** Foreground = pixels clearly brighter than the dark background: (count, mean x, mean y, mean r, g, b). */
  static double[] foreground(Tensor img) {
    float[] v = new float[3 * 32 * 32];
    img.contiguous().data_ptr_float().capacity(v.length).get(v);
    double n = 0, sx = 0, sy = 0, r = 0, g = 0, b = 0;
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        int p = y * 32 + x;
        float max = Math.max(v[p], Math.max(v[p + 1024], v[p + 2048]));
        if (max > 0.5f) {
          n++;
          sx += x;
          sy += y;
          r += v[p];
          g += v[p + 1024];
          b += v[p + 2048];
        }
      }
    }
    return new double[] {n, sx / n, sy / n, r / n, g / n, b / n};
  }

  @Test
  void every_caption_names_what_the_image_shows() {
    CaptionedShapes.Samples s = CaptionedShapes.generate(60, 7);
    assertThat(s.images().shape()).containsExactly(60, 3, 32, 32);
    assertThat(s.attributes().shape()).containsExactly(60, 4);
    long[] a = new long[240];
    s.attributes().contiguous().data_ptr_long().capacity(240).get(a);
    for (int i = 0; i < 60; i++) {
      int[] attrs = {(int) a[i * 4], (int) a[i * 4 + 1], (int) a[i * 4 + 2], (int) a[i * 4 + 3]};
      assertThat(CaptionedShapes.parse(s.captions().get(i))).containsExactly(attrs);
      double[] f = foreground(s.images().get(i));
      // position: the centroid lies in the named quadrant (or the middle)
      String pos = CaptionedShapes.POSITIONS[attrs[2]];
      if (pos.equals("centre")) {
        assertThat(Math.abs(f[1] - 15.5)).as(s.captions().get(i)).isLessThan(4);
        assertThat(Math.abs(f[2] - 15.5)).as(s.captions().get(i)).isLessThan(4);
      } else {
        assertThat(f[1] < 16).as(s.captions().get(i)).isEqualTo(pos.endsWith("left"));
        assertThat(f[2] < 16).as(s.captions().get(i)).isEqualTo(pos.startsWith("top"));
      }
      // colour: the dominant channel of the named colour dominates
      String colour = CaptionedShapes.COLOURS[attrs[1]];
      switch (colour) {
        case "red" -> assertThat(f[3]).isGreaterThan(f[4] + 0.3).isGreaterThan(f[5] + 0.3);
        case "green" -> assertThat(f[4]).isGreaterThan(f[3] + 0.3).isGreaterThan(f[5] + 0.3);
        case "blue" -> assertThat(f[5]).isGreaterThan(f[3] + 0.3).isGreaterThan(f[4] + 0.3);
        case "white" -> assertThat(Math.min(f[3], Math.min(f[4], f[5]))).isGreaterThan(0.75);
        default -> assertThat(f[0]).isPositive();
      }
    }
  }

  @Test
  void large_shapes_cover_more_pixels_than_small_ones() {
    int[][] attrs = new int[20][];
    for (int t = 0; t < 10; t++) {
      attrs[2 * t] = new int[] {t, 7, 4, 0};
      attrs[2 * t + 1] = new int[] {t, 7, 4, 1};
    }
    CaptionedShapes.Samples s = CaptionedShapes.render(attrs, 1);
    for (int t = 0; t < 10; t++) {
      assertThat(foreground(s.images().get(2 * t + 1))[0]).as(CaptionedShapes.SHAPES[t]).isGreaterThan(1.5 * foreground(s.images().get(2 * t))[0]);
    }
    assertThat(s.captions().get(1)).isEqualTo("large white circle centre");
  }

  @Test
  void captions_parse_in_any_order_and_reject_unknown_words() {
    assertThat(CaptionedShapes.parse("Red triangle top-left")).containsExactly(2, 0, 0, -1);
    assertThat(CaptionedShapes.parse("top-right large star")).containsExactly(4, -1, 1, 1);
    assertThatThrownBy(() -> CaptionedShapes.parse("purple star")).hasMessageContaining("unknown word 'purple'");
    assertThatThrownBy(() -> CaptionedShapes.parse("red blue star")).hasMessageContaining("two colours");
    assertThatThrownBy(() -> CaptionedShapes.parse("  ")).hasMessageContaining("empty");
  }

  @Test
  void grid_and_per_sample_pngs_hold_the_pixels(@TempDir Path dir) throws Exception {
    Tensor img = torch.rand(5, 3, 8, 6);
    Path grid = dir.resolve("grid.png");
    SampleGrid.write(img, grid, 3, false);
    BufferedImage g = ImageIO.read(grid.toFile());
    assertThat(g.getWidth()).isEqualTo(3 * (6 + 2) + 2);
    assertThat(g.getHeight()).isEqualTo(2 * (8 + 2) + 2);
    float[] v = new float[5 * 3 * 48];
    img.contiguous().data_ptr_float().capacity(v.length).get(v);
    // sample 4 sits in row 1, column 1; its pixel (y=3, x=2)
    int rgb = g.getRGB(2 + 8 + 2, 2 + 10 + 3);
    int base = 4 * 3 * 48 + 3 * 6 + 2;
    assertThat((rgb >> 16) & 255).isEqualTo(Math.round(v[base] * 255));
    assertThat((rgb >> 8) & 255).isEqualTo(Math.round(v[base + 48] * 255));
    assertThat(rgb & 255).isEqualTo(Math.round(v[base + 96] * 255));
    List<Path> each = SampleGrid.writeEach(img.mul(new Scalar(2)).sub(new Scalar(1)), dir.resolve("each"), "sample", true);
    assertThat(each).hasSize(5);
    BufferedImage one = ImageIO.read(each.get(4).toFile());
    assertThat((one.getRGB(2, 3) >> 16) & 255).isCloseTo(Math.round(v[base] * 255), org.assertj.core.api.Assertions.within(1));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("grid.png", "each"); // no temporary files left
    }
    assertThatThrownBy(() -> SampleGrid.write(torch.rand(2, 2, 4, 4), grid, 0, false)).hasMessageContaining("(N, 1|3, H, W)");
  }
}
