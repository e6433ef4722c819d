package io.papers4j.multimodal.infimm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class TilingTest {
  @Test
  void tilesCoverEveryPixelExactlyOnce() {
    int tile = 8;
    // a 24×24 image (already n·tile, so no resampling): pixel value = its flat index
    Tensor img = torch.arange(new Scalar(3 * 24 * 24)).to(torch.ScalarType.Float).view(3, 24, 24);
    Tiling.Tiles t = Tiling.split(img, tile, 3);
    assertThat(t.grid()).isEqualTo(3);
    assertThat(t.tiles().shape()).containsExactly(9, 3, 8, 8);
    Tensor count = torch.zeros(3, 24, 24);
    Tensor rebuilt = torch.zeros(3, 24, 24);
    for (int i = 0; i < 9; i++) {
      int r = t.row(i), c = t.col(i);
      count.narrow(1, r * tile, tile).narrow(2, c * tile, tile).add_(new Scalar(1));
      rebuilt.narrow(1, r * tile, tile).narrow(2, c * tile, tile).copy_(t.tiles().select(0, i));
    }
    assertThat(count.min().item_double()).isEqualTo(1.0);
    assertThat(count.max().item_double()).isEqualTo(1.0);
    assertThat(rebuilt.equal(img)).isTrue();
  }

  @Test
  void theThumbnailIsTheWholeImage() {
    // four constant quadrants; the 2× downsampled thumbnail keeps each quadrant's colour in place
    Tensor img = torch.zeros(3, 16, 16);
    img.narrow(1, 0, 8).narrow(2, 8, 8).fill_(new Scalar(1)); // top-right
    img.narrow(1, 8, 8).narrow(2, 0, 8).fill_(new Scalar(0.5)); // bottom-left
    Tiling.Tiles t = Tiling.split(img, 8, 3);
    assertThat(t.grid()).isEqualTo(2);
    Tensor th = t.thumbnail();
    assertThat(th.shape()).containsExactly(3, 8, 8);
    assertThat(th.mean().item_double()).isCloseTo(img.mean().item_double(), offset(1e-6));
    assertThat(th.select(0, 0).select(0, 1).select(0, 6).item_double()).isCloseTo(1.0, offset(1e-6));
    assertThat(th.select(0, 0).select(0, 6).select(0, 1).item_double()).isCloseTo(0.5, offset(1e-6));
    assertThat(th.select(0, 0).select(0, 1).select(0, 1).item_double()).isCloseTo(0.0, offset(1e-6));
  }

  /** Shrinking averages areas: a 2×2 dot in a 96-px image survives at 16 px with its share of the mean. */
  @Test
  void shrinkingKeepsSmallShapes() {
    Tensor img = torch.zeros(3, 96, 96);
    img.narrow(1, 0, 2).narrow(2, 0, 2).fill_(new Scalar(1)); // where 96 → 16 bilinear samples no pixel
    Tensor small = Tiling.resize(img, 16);
    assertThat(small.shape()).containsExactly(3, 16, 16);
    assertThat(small.select(0, 0).select(0, 0).select(0, 0).item_double()).isCloseTo(4.0 / 36, offset(1e-6));
    assertThat(small.mean().item_double()).isCloseTo(img.mean().item_double(), offset(1e-7));
    Tensor big = Tiling.resize(small, 32); // enlarging stays bilinear
    assertThat(big.shape()).containsExactly(3, 32, 32);
  }

  @Test
  void gridIsClampedAndNonSquareImagesArePaddedWithTheMeanColour() {
    assertThat(Tiling.grid(10, 64, 3)).isEqualTo(1);
    assertThat(Tiling.grid(65, 64, 3)).isEqualTo(2);
    assertThat(Tiling.grid(1000, 64, 3)).isEqualTo(3);
    Tensor wide = torch.ones(3, 4, 12).mul(new Scalar(0.25));
    Tensor sq = Tiling.padToSquare(wide);
    assertThat(sq.shape()).containsExactly(3, 12, 12);
    assertThat(sq.min().item_double()).isCloseTo(0.25, offset(1e-7));
    assertThat(sq.max().item_double()).isCloseTo(0.25, offset(1e-7));
  }

  @Test
  void twoDimensionalEmbeddingSeparatesRowsAndColumns() {
    Tensor a = Tiling.positionEmbedding(0, 0, 8);
    assertThat(a.select(0, 0).item_double()).isEqualTo(0.0); // sin(0)
    assertThat(a.select(0, 2).item_double()).isEqualTo(1.0); // cos(0)
    Tensor rc = Tiling.positionEmbedding(1, 2, 8);
    Tensor cr = Tiling.positionEmbedding(2, 1, 8);
    assertThat(rc.sub(cr).abs().max().item_double()).isGreaterThan(0.1);
    assertThat(rc.select(0, 0).item_double()).isCloseTo(Math.sin(1), offset(1e-6));
    assertThat(rc.select(0, 4).item_double()).isCloseTo(Math.sin(2), offset(1e-6));
  }
}
