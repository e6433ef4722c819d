package io.papers4j.vision.iwm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.papers4j.core.tensor.Engine;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmaAndMrrTest {
  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @Test
  void emaScheduleAndUpdateFollowTheClosedForm() {
    Ema ema = new Ema(0.996, 1.0, 1000);
    assertThat(ema.momentum(0)).isEqualTo(0.996);
    assertThat(ema.momentum(500)).isCloseTo(0.998, offset(1e-12));
    assertThat(ema.momentum(1000)).isEqualTo(1.0);
    Tensor target = torch.tensor(new float[] {1f, 2f, -3f});
    Tensor online = torch.tensor(new float[] {5f, 0f, 1f});
    Ema.update(List.of(target), List.of(online), 0.9);
    // 0.9·t + 0.1·o
    float[] want = {0.9f * 1 + 0.1f * 5, 0.9f * 2, 0.9f * -3 + 0.1f * 1};
    for (int i = 0; i < 3; i++) assertThat(target.get(i).item_float()).isCloseTo(want[i], offset(1e-6f));
    // m = 1 freezes the target
    Ema.update(List.of(target), List.of(online), 1.0);
    assertThat(target.get(0).item_float()).isCloseTo(want[0], offset(1e-6f));
  }

  @Test
  void perfectPredictorHasMrrOneAndConstantPredictorHasChance() {
    torch.manual_seed(3);
    int n = 5, k = 64, d = 16;
    Tensor bank = torch.randn(n, k, d);
    assertThat(Mrr.of(bank.clone(), bank)).isEqualTo(1.0);
    Tensor constant = torch.randn(n, 1, d).expand(n, k, d).contiguous();
    double chance = Mrr.chance(k);
    assertThat(chance).isCloseTo(0.0742, offset(1e-4)); // H_64 / 64, the spec's 0.074
    assertThat(Mrr.of(constant, bank)).isCloseTo(chance, offset(1e-12));
    // a predictor that always points at the wrong candidate is below chance
    Tensor shifted = torch.roll(bank, new long[] {1}, new long[] {1});
    assertThat(Mrr.of(shifted, bank)).isLessThan(chance);
  }
}
