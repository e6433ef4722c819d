package io.papers4j.vision.iwm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tiny IWM: training runs and lowers the loss, EMA moves the target, unconditioned MRR is exactly chance. */
class IwmModelTest {
  static final IwmConfig TINY = new IwmConfig(16, 4, 16, 1, 2, 16, 1, 2, "feature");

  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @Test
  void shapesAreDeterministicAndLabelled() {
    ColourShapes.Data a = ColourShapes.generate(12, 16, 5), b = ColourShapes.generate(12, 16, 5);
    assertThat(a.images().shape()).containsExactly(12, 3, 16, 16);
    assertThat(a.images().sub(b.images()).abs().max().item_float()).isZero();
    assertThat(a.images().min().item_float()).isGreaterThanOrEqualTo(0f);
    assertThat(a.images().max().item_float()).isLessThanOrEqualTo(1f);
    assertThat(a.labels().max().item_long()).isLessThan(10);
  }

  @Test
  void trainingLowersTheLossAndEmaMovesTheTarget() {
    ColourShapes.Data data = ColourShapes.generate(64, 16, 1);
    IwmTraining.Run run = IwmTraining.train(TINY, data, new IwmTraining.Recipe(40, 16, 3e-3, 0.04, true), 7, ProgressBar.Mode.OFF);
    List<Double> l = run.losses();
    double first = l.subList(0, 5).stream().mapToDouble(d -> d).average().orElseThrow();
    double last = l.subList(35, 40).stream().mapToDouble(d -> d).average().orElseThrow();
    System.out.printf("tiny IWM loss %.4f -> %.4f%n", first, last);
    assertThat(last).isLessThan(first);
    Tensor online = run.model().encoder.namedParameters().get("pos_embed");
    Tensor target = run.model().target.namedParameters().get("pos_embed");
    assertThat(online.sub(target).abs().max().item_float()).isGreaterThan(0f);
    assertThat(target.requires_grad()).isFalse();
    double mrr = IwmEval.mrr(run.model(), data.images().narrow(0, 0, 3), 8, true, 3);
    assertThat(mrr).isBetween(0.0, 1.0);
  }

  @Test
  void withoutConditioningTheMrrIsExactlyChance() {
    IwmModel m = new IwmModel(new IwmConfig(16, 4, 16, 1, 2, 16, 1, 2, "none"), 3);
    ColourShapes.Data data = ColourShapes.generate(4, 16, 2);
    // one prediction for every action: each true candidate ranks 1..K once
    assertThat(IwmEval.mrr(m, data.images(), 16, true, 4)).isCloseTo(Mrr.chance(16), offset(1e-9));
  }

  @Test
  void sequenceConditioningUsesTheAction() {
    IwmModel m = new IwmModel(new IwmConfig(16, 4, 16, 1, 2, 16, 1, 2, "sequence"), 3);
    ColourShapes.Data data = ColourShapes.generate(2, 16, 2);
    assertThat(IwmEval.mrr(m, data.images(), 16, true, 4)).isNotCloseTo(Mrr.chance(16), offset(1e-9));
  }

  @Test
  void badConfigIsOneMessage() {
    assertThatThrownBy(() -> new IwmConfig(30, 4, 16, 1, 2, 16, 1, 2, "feature")).hasMessageContaining("multiple of the patch");
    assertThatThrownBy(() -> IwmConfig.small("film", 2)).hasMessageContaining("none, feature or sequence");
  }
}
