package io.papers4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.papers4j.core.tensor.Engine;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScheduleAndClipTest {
  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @Test
  void cosine_schedule_hand_computed_points() {
    CosineSchedule s = new CosineSchedule(1e-3, 10, 110, 0.1);
    assertThat(s.lr(0)).isEqualTo(0.0);
    assertThat(s.lr(5)).isCloseTo(5e-4, offset(1e-15));
    assertThat(s.lr(10)).isCloseTo(1e-3, offset(1e-15)); // peak at end of warm-up
    // halfway through the decay: cos(pi/2) = 0 → r + (1-r)/2 = 0.55
    assertThat(s.lr(60)).isCloseTo(0.55e-3, offset(1e-15));
    // a quarter: 0.1 + 0.9 * 0.5 * (1 + cos(pi/4))
    assertThat(s.lr(35)).isCloseTo(1e-3 * (0.1 + 0.45 * (1 + Math.sqrt(0.5))), offset(1e-15));
    assertThat(s.lr(110)).isCloseTo(1e-4, offset(1e-15));
    assertThat(s.lr(10_000)).isCloseTo(1e-4, offset(1e-15));
    for (long t = 11; t < 110; t++) assertThat(s.lr(t)).isLessThan(s.lr(t - 1));
  }

  @Test
  void constant_schedules() {
    assertThat(LrSchedule.constant(3e-4).lr(12345)).isEqualTo(3e-4);
    LrSchedule w = LrSchedule.constantWithWarmup(1.0, 4);
    assertThat(List.of(w.lr(0), w.lr(1), w.lr(4), w.lr(100))).containsExactly(0.0, 0.25, 1.0, 1.0);
  }

  @Test
  void cosine_rejects_bad_arguments() {
    assertThatThrownBy(() -> new CosineSchedule(1e-3, 20, 10, 0.1)).hasMessageContaining("warmup");
    assertThatThrownBy(() -> new CosineSchedule(1e-3, 0, 10, 1.5)).hasMessageContaining("ratio");
  }

  @Test
  void clip_by_global_norm_matches_hand_computation() {
    // grads (3, 4) and (12): global norm = sqrt(9 + 16 + 144) = 13
    Tensor a = Tensor.create(new float[] {1, 1}, 2).set_requires_grad(true);
    Tensor b = Tensor.create(new float[] {1}, 1).set_requires_grad(true);
    a.mul(Tensor.create(new float[] {3, 4}, 2)).sum().backward();
    b.mul(Tensor.create(new float[] {12}, 1)).sum().backward();
    double norm = GradClip.clipGlobalNorm(List.of(a, b), 6.5);
    assertThat(norm).isCloseTo(13, offset(1e-5));
    double coef = 6.5 / (13 + 1e-6);
    assertThat(a.grad().get(0).item_double()).isCloseTo(3 * coef, offset(1e-6));
    assertThat(a.grad().get(1).item_double()).isCloseTo(4 * coef, offset(1e-6));
    assertThat(b.grad().get(0).item_double()).isCloseTo(12 * coef, offset(1e-6));
    assertThat(GradClip.globalNorm(List.of(a, b))).isCloseTo(6.5, offset(1e-5));
    // below the threshold nothing changes
    double again = GradClip.clipGlobalNorm(List.of(a, b), 100);
    assertThat(again).isCloseTo(6.5, offset(1e-5));
    assertThat(b.grad().get(0).item_double()).isCloseTo(12 * coef, offset(1e-6));
  }
}
