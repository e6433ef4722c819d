package io.papers4j.multimodal.vlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.papers4j.core.nn.Init;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class VisionEncoderTest {
  @Test
  void newResolutionsInterpolateThePositionTable() {
    VisionEncoder enc = new VisionEncoder(new VisionEncoder.Config(8, 16, 3, 2, 32), Init.normal(1, 0.02));
    try (NoGradGuard ng = new NoGradGuard()) {
      assertThat(enc.interpolatedPositions(4).equal(enc.posEmbed)).isTrue(); // base grid: unchanged
      // a table linear in the column stays linear (bilinear resize of a linear ramp, align_corners=false
      // keeps the mean and the constant rows)
      Tensor ramp = torch.arange(new Scalar(4)).to(torch.ScalarType.Float).view(1, 1, 4, 1).expand(1, 4, 4, 16).reshape(1, 16, 16);
      enc.posEmbed.narrow(1, 1, 16).copy_(ramp);
      Tensor big = enc.interpolatedPositions(8); // (1, 65, 16)
      assertThat(big.shape()).containsExactly(1, 65, 16);
      Tensor patch = big.narrow(1, 1, 64).view(8, 8, 16);
      assertThat(patch.mean().item_double()).isCloseTo(1.5, offset(1e-5));
      assertThat(patch.select(0, 0).sub(patch.select(0, 7)).abs().max().item_double()).isLessThan(1e-6); // rows equal
      assertThat(enc.forward(torch.rand(2, 3, 64, 64)).shape()).containsExactly(2, 65, 16);
      assertThat(enc.tokens(64)).isEqualTo(65);
    }
    assertThatThrownBy(() -> enc.forward(torch.rand(1, 3, 30, 30))).hasMessageContaining("not a multiple of the patch");
  }
}
