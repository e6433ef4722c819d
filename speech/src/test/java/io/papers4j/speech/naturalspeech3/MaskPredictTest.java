package io.papers4j.speech.naturalspeech3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MaskPredictTest {
  @BeforeAll
  static void engine() {
    Engine.init(1);
  }

  /** A toy attribute: the target token is a fixed function of the condition token. */
  static MaskPredict.Seq toy(Random r, int len, int prompt) {
    int[][] c = new int[len][1], t = new int[len][1];
    for (int i = 0; i < len; i++) {
      c[i][0] = r.nextInt(5);
      t[i][0] = (c[i][0] * 3 + 1) % 7;
    }
    return new MaskPredict.Seq(c, t, prompt);
  }

  @Test
  void learnsAConditionalMappingAndGeneratesIt() {
    Engine.seed(0);
    MaskPredict m = new MaskPredict(new MaskPredict.Spec(new int[] {5}, 1, 7, 32, 1, 64), 0);
    AdamW opt = new AdamW(m.namedParameters(), new AdamConfig(3e-3, 0.9, 0.98, 1e-8, 0));
    Random r = new Random(1);
    double first = 0, last = 0;
    for (int s = 0; s < 150; s++) {
      try (PointerScope scope = new PointerScope()) {
        List<MaskPredict.Seq> b = new ArrayList<>();
        for (int i = 0; i < 8; i++) b.add(toy(r, 12, 4));
        opt.zeroGrad();
        Tensor loss = m.loss(b, r);
        loss.backward();
        opt.step();
        if (s == 0) first = loss.item_float();
        last = loss.item_float();
      }
    }
    assertThat(first).isGreaterThan(1.5); // ~ln 7 at the start
    assertThat(last).isLessThan(0.3);
    MaskPredict.Seq p = toy(r, 6, 6), t = toy(r, 10, 0);
    int[][] a = m.generate(p.cond(), p.tokens(), t.cond(), 4, 1.0, 1.0, new Random(5));
    int[][] b = m.generate(p.cond(), p.tokens(), t.cond(), 4, 1.0, 1.0, new Random(5));
    assertThat(a).isDeepEqualTo(b); // determinism by seed
    int ok = 0;
    for (int i = 0; i < 10; i++) if (a[i][0] == t.tokens()[i][0]) ok++;
    assertThat(ok).isGreaterThanOrEqualTo(9);
    assertThatThrownBy(() -> m.generate(p.cond(), p.tokens(), new int[70][1], 2, 0, 1, new Random(0)))
        .hasMessageContaining("exceeds the model's 64");
  }

  @Test
  void runsAndLengthRegulatorAreInverse() {
    int[] frames = {0, 0, 3, 3, 3, 7, 0, 0, 0};
    int[][] runs = FactorisedTts.runs(frames);
    assertThat(runs).isDeepEqualTo(new int[][] {{0, 2}, {3, 3}, {7, 1}, {0, 3}});
    assertThat(FactorisedTts.expand(runs)).containsExactly(frames);
  }

  @Test
  void phoneErrorRateIsLevenshteinOverCollapsedPhones() {
    // reference 1 2 3 (silence removed, runs collapsed); hypothesis 1 3 4 (the one-frame 5 is flicker): 2 edits
    assertThat(MelClassifier.phoneErrorRate(new int[] {1, 1, 0, 3, 3, 5, 4, 4}, new int[] {0, 1, 1, 2, 2, 3, 3, 0}))
        .isEqualTo(2 / 3.0);
    assertThat(MelClassifier.phoneErrorRate(new int[] {1, 1, 2, 2, 3, 3}, new int[] {1, 1, 2, 2, 2, 3, 3})).isZero();
  }
}
