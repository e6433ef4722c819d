package io.papers4j.multimodal.vlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class ClipTest {
  @Test
  void contrastiveLossMatchesAHandComputedBatch() {
    // unit vectors: u0=(1,0), u1=(0,1); w0=(0.6,0.8), w1=(0.8,-0.6); scale 2
    double[][] u = {{1, 0}, {0, 1}};
    double[][] w = {{0.6, 0.8}, {0.8, -0.6}};
    double s = 2;
    // logits[i][j] = s·u_i·w_j = [[1.2, 1.6], [1.6, -1.2]]
    double[][] l = new double[2][2];
    for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) l[i][j] = s * (u[i][0] * w[j][0] + u[i][1] * w[j][1]);
    assertThat(l[0][1]).isCloseTo(1.6, offset(1e-12));
    double rows = 0, cols = 0;
    for (int i = 0; i < 2; i++) {
      rows += Math.log(Math.exp(l[i][0]) + Math.exp(l[i][1])) - l[i][i];
      cols += Math.log(Math.exp(l[0][i]) + Math.exp(l[1][i])) - l[i][i];
    }
    double expected = 0.5 * (rows / 2 + cols / 2);
    // by hand: rows: ln(e^1.2+e^1.6)-1.2 = 0.913015..., ln(e^1.6+e^-1.2)+1.2 = 2.859... ; symmetric logits → cols = rows
    assertThat(expected).isCloseTo(0.5 * ((Math.log(Math.exp(1.2) + Math.exp(1.6)) - 1.2) + (Math.log(Math.exp(1.6) + Math.exp(-1.2)) + 1.2)), offset(1e-12));
    Tensor loss = Clip.contrastiveLoss(
        Tensor.create(new double[] {1, 0, 0, 1}).view(2, 2),
        Tensor.create(new double[] {0.6, 0.8, 0.8, -0.6}).view(2, 2),
        Tensor.create(new double[] {s}).view(new long[] {}));
    assertThat(loss.item_double()).isCloseTo(expected, offset(1e-12));
    assertThat(expected).isCloseTo(1.886024, offset(1e-5));
  }

  @Test
  void embeddingsAreUnitAndTheTemperatureStartsAtOneOverPointZeroSeven() {
    Clip clip = new Clip(Clip.Config.small(), 3);
    Tensor img = clip.embedImages(torch.rand(2, 3, 32, 32));
    Tensor txt = clip.embedText(clip.encodeText(List.of("a red square", "two")));
    assertThat(img.shape()).containsExactly(2, 64);
    assertThat(img.mul(img).sum().item_double()).isCloseTo(2.0, offset(1e-4));
    assertThat(txt.mul(txt).sum().item_double()).isCloseTo(2.0, offset(1e-4));
    assertThat(clip.temperatureInverse().item_double()).isCloseTo(1 / 0.07, offset(1e-3));
  }

  private static final String[] COLOURS = {"red", "green", "blue", "yellow", "purple", "cyan"};
  private static final float[][] RGB = {{1, 0, 0}, {0, 0.8f, 0}, {0, 0, 1}, {1, 1, 0}, {0.6f, 0, 0.8f}, {0, 1, 1}};

  /** n grey 32×32 images, each with a 10×10 square of colour labels[i] at a random place. */
  private static Tensor squares(long[] labels, java.util.Random r) {
    int n = labels.length;
    float[] px = new float[n * 3 * 32 * 32];
    java.util.Arrays.fill(px, 0.5f);
    for (int i = 0; i < n; i++) {
      int x0 = r.nextInt(22), y0 = r.nextInt(22);
      for (int c = 0; c < 3; c++) {
        for (int y = y0; y < y0 + 10; y++) {
          for (int x = x0; x < x0 + 10; x++) px[((i * 3 + c) * 32 + y) * 32 + x] = RGB[(int) labels[i]][c];
        }
      }
    }
    return Tensor.create(px).view(n, 3, 32, 32);
  }

  @Test
  void trainingLearnsTheColourWordsZeroShot() {
    // Without the warm-up both towers collapsed onto one vector and the loss stayed at ln B (see ClipTraining).
    io.papers4j.core.tensor.Engine.init(2);
    java.util.Random r = new java.util.Random(11);
    Clip clip = new Clip(Clip.Config.small(), 4);
    double[] losses = ClipTraining.train(clip, step -> {
      long[] labels = new long[32];
      for (int i = 0; i < 32; i++) labels[i] = r.nextInt(6);
      List<String> caps = new java.util.ArrayList<>();
      for (long l : labels) caps.add("a " + COLOURS[(int) l] + " square");
      return new ClipTraining.Batch(squares(labels, r), caps);
    }, 150, null);
    long[] test = new long[60];
    for (int i = 0; i < 60; i++) test[i] = i % 6;
    Tensor prompts = clip.embedText(clip.encodeText(java.util.Arrays.stream(COLOURS).map(c -> "a " + c + " square").toList())); // (6, E)
    Tensor pred = clip.embedImages(squares(test, r)).matmul(prompts.t()).argmax(new org.bytedeco.pytorch.LongOptional(1), false);
    double accuracy = pred.eq(Tensor.create(test)).to(torch.ScalarType.Float).mean().item_double();
    System.out.printf("clip colour squares: loss %.3f -> %.3f, zero-shot colour accuracy %.3f (chance 0.167)%n", losses[0], losses[149], accuracy);
    // collapsed towers sit at ln 32 = 3.47; with six captions in a batch of 32 the loss cannot fall below
    // about ln(32 / 6) = 1.67 (a caption matches ~5 images equally), so "learnt" is well below the first and near the second
    assertThat(losses[149]).isLessThan(Math.log(32) - 1.0);
    assertThat(accuracy).isGreaterThan(0.5);
  }

  @Test
  void theLearningRateWarmsUpLinearlyThenDecaysByCosineToATenth() {
    assertThat(ClipTraining.learningRate(0, 60)).isCloseTo(5e-4 / 10 * 1.0, offset(1e-6)); // step 1 of a 10-step warm-up
    assertThat(ClipTraining.learningRate(9, 60)).isLessThan(5e-4).isGreaterThan(4.5e-4);
    assertThat(ClipTraining.learningRate(59, 60)).isCloseTo(5e-5, offset(1e-6));
  }

  @Test
  void aWarmUpFixedInStepsRampsOverThoseStepsWhateverTheLength() {
    // the downstream recipe's 166 warm-up steps in a 350-step run: linear to the peak, then the same cosine to a tenth
    assertThat(ClipTraining.learningRate(0, 350, 166)).isCloseTo(5e-4 / 166, offset(1e-9));
    assertThat(ClipTraining.learningRate(82, 350, 166)).isCloseTo(5e-4 * 83 / 166 * (0.1 + 0.45 * (1 + Math.cos(Math.PI * 82 / 350))), offset(1e-9));
    assertThat(ClipTraining.learningRate(165, 350, 166)).isCloseTo(5e-4 * (0.1 + 0.45 * (1 + Math.cos(Math.PI * 165 / 350))), offset(1e-9));
    assertThat(ClipTraining.learningRate(349, 350, 166)).isCloseTo(5e-5, offset(1e-7));
    // the default is a sixth
    assertThat(ClipTraining.learningRate(40, 1000)).isEqualTo(ClipTraining.learningRate(40, 1000, 166));
  }

  @Test
  void trainingWithAnExplicitWarmUpUsesIt() {
    io.papers4j.core.tensor.Engine.init(1);
    torch.manual_seed(5);
    Tensor images = torch.rand(4, 3, 32, 32);
    List<String> caps = List.of("a red square", "two blue circles", "a green triangle", "one star");
    double[][] losses = new double[3][];
    int[] warm = {-1, 1, 5}; // default (a sixth of 6 steps = 1), 1 given, 5 given
    for (int i = 0; i < 3; i++) {
      Clip clip = new Clip(Clip.Config.small(), 3);
      ClipTraining.Data data = step -> new ClipTraining.Batch(images, caps);
      losses[i] = warm[i] < 0 ? ClipTraining.train(clip, data, 6, null)
          : ClipTraining.train(clip, data, 6, warm[i], null, io.papers4j.core.tensor.Precision.F32);
    }
    assertThat(losses[1]).containsExactly(losses[0]);
    assertThat(losses[2][0]).isEqualTo(losses[0][0]); // same start
    assertThat(losses[2][1]).isNotEqualTo(losses[0][1]); // a fifth of the first step's rate, not all of it
    assertThatThrownBy(() -> ClipTraining.train(new Clip(Clip.Config.small(), 3), step -> new ClipTraining.Batch(images, caps), 6, 0, null,
        io.papers4j.core.tensor.Precision.F32)).hasMessageContaining("warm-up");
  }

  @Test
  void bf16TrainingReachesTheModelAndKeepsFloat32WeightsAndLoss() {
    io.papers4j.core.tensor.Engine.init(1);
    double[][] losses = new double[2][];
    Clip[] clips = new Clip[2];
    for (io.papers4j.core.tensor.Precision p : io.papers4j.core.tensor.Precision.values()) {
      torch.manual_seed(5);
      Tensor images = torch.rand(4, 3, 32, 32);
      List<String> caps = List.of("a red square", "two blue circles", "a green triangle", "one star");
      Clip clip = new Clip(Clip.Config.small(), 3);
      losses[p.ordinal()] = ClipTraining.train(clip, step -> new ClipTraining.Batch(images, caps), 3, null, p);
      clips[p.ordinal()] = clip;
    }
    System.out.printf("clip bf16 vs f32 losses: %s vs %s%n", java.util.Arrays.toString(losses[1]),
        java.util.Arrays.toString(losses[0]));
    for (int s = 0; s < 3; s++) {
      // bf16 matmuls ran (not identical) and the loss stays within bfloat16 rounding of float32's
      assertThat(losses[1][s]).isNotEqualTo(losses[0][s]).isCloseTo(losses[0][s], offset(0.02 * losses[0][s]));
    }
    clips[1].namedParameters().forEach((k, v) ->
        assertThat(v.scalar_type().intern()).as(k).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float));
  }
}
