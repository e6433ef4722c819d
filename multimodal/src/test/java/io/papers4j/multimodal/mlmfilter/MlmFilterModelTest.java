package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlmFilterModelTest {
  @Test
  void the_loss_covers_exactly_the_answer_tokens() {
    Engine.init(2);
    MlmFilterModel m = new MlmFilterModel(MlmFilterConfig.tiny(), 0);
    long[][] e = m.example("a red circle", "itm", "73\nok");
    int p = m.config().promptLength();
    assertThat(e[0]).hasSize(m.config().sequenceLength());
    assertThat(e[0][0]).isEqualTo(MlmFilterConfig.IMAGE);
    assertThat(e[0][p - 1]).isEqualTo(':');
    for (int i = 0; i < p - 1; i++) assertThat(e[1][i]).isEqualTo(-100);
    // position P-1 predicts '7', then '3', '\n', 'o', 'k', <|endofchunk|>
    assertThat(new long[] {e[1][p - 1], e[1][p], e[1][p + 1], e[1][p + 2], e[1][p + 3], e[1][p + 4]})
        .containsExactly('7', '3', '\n', 'o', 'k', MlmFilterConfig.END_OF_CHUNK);
    assertThat(e[1][p + 5]).isEqualTo(-100);
    assertThatThrownBy(() -> m.prompt("x", "itmx")).hasMessageContaining("3 characters");
  }

  @Test
  void learns_to_answer_scores_and_round_trips(@TempDir Path dir) {
    Engine.init(2);
    Engine.seed(0);
    MlmFilterModel m = new MlmFilterModel(MlmFilterConfig.tiny(), 0);
    List<Instructions.Instruction> data = new ArrayList<>();
    Tensor black = torch.zeros(3, 32, 32), white = torch.ones(3, 32, 32);
    data.add(new Instructions.Instruction(black, "a dark picture", "itm", "91\nyes", 91));
    data.add(new Instructions.Instruction(white, "a dark picture", "itm", "12\nno", 12));
    double[] l = MlmFilterTraining.train(m, data, new MlmFilterTraining.Options(60, 2, 1e-2, 0), null);
    assertThat(l[59]).isLessThan(l[0] * 0.3);
    List<String> out = m.generate(MlmFilterModel.stack(List.of(black, white)),
        List.of(m.prompt("a dark picture", "itm"), m.prompt("a dark picture", "itm")));
    assertThat(out).containsExactly("91\n", "12\n"); // the image decides the score
    m.save(dir.resolve("m"), Map.of("test", true));
    MlmFilterModel back = MlmFilterModel.load(dir.resolve("m"));
    assertThat(back.generate(MlmFilterModel.stack(List.of(black, white)),
        List.of(m.prompt("a dark picture", "itm"), m.prompt("a dark picture", "itm")))).isEqualTo(out);
  }

  @Test
  void a_presence_first_answer_is_decoded_through_its_score_line() {
    Engine.init(2);
    Engine.seed(0);
    MlmFilterModel m = new MlmFilterModel(MlmFilterConfig.tiny(), 0);
    Tensor black = torch.zeros(3, 32, 32), white = torch.ones(3, 32, 32);
    String yes = AnswerFormat.PRESENCE.answer(Metric.ITM, 91, true, "ok"), no = AnswerFormat.PRESENCE.answer(Metric.ITM, 12, false, "ok");
    List<Instructions.Instruction> data = List.of(new Instructions.Instruction(black, "a dark picture", "itm", yes, 91),
        new Instructions.Instruction(white, "a dark picture", "itm", no, 12));
    double[] l = MlmFilterTraining.train(m, data, new MlmFilterTraining.Options(80, 2, 1e-2, 0), null);
    assertThat(l[79]).isLessThan(l[0] * 0.3);
    List<String> out = m.generate(MlmFilterModel.stack(List.of(black, white)),
        List.of(m.prompt("a dark picture", "itm"), m.prompt("a dark picture", "itm")));
    // the tiny answer field (8 bytes) cuts "yes\n091\nok" to "yes\n091" before its end token; "no\n012\n" fits
    assertThat(out).containsExactly("yes\n091", "no\n012\n");
    assertThat(out.stream().map(ScoreParser::read).map(java.util.OptionalInt::getAsInt)).containsExactly(91, 12);
  }

  @Test
  void a_directory_that_is_not_a_model_says_so(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> MlmFilterModel.load(dir.resolve("nope"))).hasMessageContaining("model directory not found");
    assertThatThrownBy(() -> MlmFilterModel.load(dir)).hasMessageContaining("is not an MLM-filter model");
    Files.writeString(dir.resolve("config.json"), "{\"patch\": \"x\"}");
    Files.writeString(dir.resolve("model.safetensors"), "junk");
    assertThatThrownBy(() -> MlmFilterModel.load(dir)).hasMessageContaining("not the config of an MLM-filter model");
  }

  /**
   * bf16 autocast: the first loss comes from the same weights and batch as in float32, so only
   * bfloat16 rounding (8 significant bits) separates them; the weights stay float32.
   */
  @Test
  void bf16TrainingTracksFloat32() {
    Engine.init(2);
    List<Instructions.Instruction> data = new ArrayList<>();
    data.add(new Instructions.Instruction(torch.zeros(3, 32, 32), "a dark picture", "itm", "91\nyes", 91));
    data.add(new Instructions.Instruction(torch.ones(3, 32, 32), "a dark picture", "itm", "12\nno", 12));
    MlmFilterModel a = new MlmFilterModel(MlmFilterConfig.tiny(), 0), b = new MlmFilterModel(MlmFilterConfig.tiny(), 0);
    MlmFilterTraining.Options o = new MlmFilterTraining.Options(2, 2, 1e-2, 0);
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    double[] f32 = MlmFilterTraining.train(a, data, o, null, Precision.F32);
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    double[] bf16 = MlmFilterTraining.train(b, data, o, null, Precision.BF16);
    for (double x : bf16) assertThat(Double.isFinite(x)).isTrue();
    assertThat(bf16[0]).isNotEqualTo(f32[0]).isCloseTo(f32[0], withinPercentage(3));
    b.namedParameters().forEach((k, v) -> assertThat(v.scalar_type().intern()).as(k).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float));
  }
}
