package io.papers4j.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PrecisionTest {
  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @Test
  void bf16_region_runs_matmuls_in_bfloat16_and_gradients_stay_float32() {
    Tensor w = torch.randn(16, 8).requires_grad_(true);
    Tensor x = torch.randn(4, 16);
    Tensor y;
    try (Precision.Region r = Precision.BF16.autocast()) {
      y = x.matmul(w);
      assertThat(torch.is_autocast_enabled(DeviceType.CPU)).isTrue();
    }
    assertThat(torch.is_autocast_enabled(DeviceType.CPU)).isFalse();
    assertThat(y.scalar_type().intern()).isEqualTo(ScalarType.BFloat16);
    assertThat(x.matmul(w).scalar_type().intern()).isEqualTo(ScalarType.Float); // closed: float32 again
    y.to(ScalarType.Float).sum().backward();
    assertThat(w.grad().scalar_type().intern()).isEqualTo(ScalarType.Float);
    // d(sum(x w))/dw = xᵀ·1: the bf16 backward agrees with float32 to bfloat16 rounding
    Tensor exact = x.t().matmul(torch.ones(4, 8));
    double rel = w.grad().sub(exact).abs().max().item_double() / exact.abs().max().item_double();
    assertThat(rel).isLessThan(1e-2);
  }

  @Test
  void bf16_region_and_its_backward_run_on_onednn_and_restore_the_engine_setting() throws Exception {
    assertThat(torch.globalContext().userEnabledMkldnn()).isFalse(); // Engine.configureKernels
    try (Precision.Region r = Precision.BF16.autocast()) {
      assertThat(torch.globalContext().userEnabledMkldnn()).isTrue();
    }
    assertThat(torch.globalContext().userEnabledMkldnn()).isFalse();
    try (AutoCloseable k = Precision.BF16.kernels()) {
      assertThat(torch.globalContext().userEnabledMkldnn()).isTrue();
    }
    try (Precision.Region r = Precision.F32.autocast(); AutoCloseable k = Precision.F32.kernels()) {
      assertThat(torch.globalContext().userEnabledMkldnn()).isFalse();
    }
    assertThat(torch.globalContext().userEnabledMkldnn()).isFalse();
  }

  @Test
  void f32_region_changes_nothing_and_regions_nest() {
    try (Precision.Region f = Precision.F32.autocast()) {
      assertThat(torch.is_autocast_enabled(DeviceType.CPU)).isFalse();
    }
    try (Precision.Region outer = Precision.BF16.autocast()) {
      try (Precision.Region inner = Precision.BF16.autocast()) {
        assertThat(torch.is_autocast_enabled(DeviceType.CPU)).isTrue();
      }
      assertThat(torch.is_autocast_enabled(DeviceType.CPU)).isTrue(); // the outer region is still open
    }
    assertThat(torch.is_autocast_enabled(DeviceType.CPU)).isFalse();
  }

  @Test
  void parse_accepts_the_usual_names_and_names_the_choices_otherwise() {
    assertThat(Precision.parse("bf16")).isEqualTo(Precision.BF16);
    assertThat(Precision.parse("BFloat16")).isEqualTo(Precision.BF16);
    assertThat(Precision.parse("fp32")).isEqualTo(Precision.F32);
    assertThatThrownBy(() -> Precision.parse("fp16")).hasMessage("precision must be f32 or bf16, got 'fp16'");
  }
}
