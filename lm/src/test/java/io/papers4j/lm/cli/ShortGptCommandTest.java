package io.papers4j.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code papers4j shortgpt score}: Block Influence per layer in float32 and under bf16 autocast. */
class ShortGptCommandTest {
  private static final String TEXT =
      "In the beginning God created the heaven and the earth. And the earth was without form, and"
          + " void; and darkness was upon the face of the deep. And God said, Let there be light.";

  /** Runs {@code shortgpt args...}, returns the BI column of its table. */
  private static double[] blockInfluence(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    int rc;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      CommandLine cl = new CommandLine(new ShortGptCommand());
      cl.setExecutionExceptionHandler((ex, c, p) -> {
        throw ex;
      });
      rc = cl.execute(args);
    } finally {
      System.setOut(old);
    }
    assertThat(rc).as(String.join(" ", args)).isZero();
    List<Double> bi = new ArrayList<>();
    for (String line : buf.toString(StandardCharsets.UTF_8).split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 4 && f[0].matches("\\d+")) bi.add(Double.parseDouble(f[1]));
    }
    return bi.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void score_in_bf16_is_within_bfloat16_rounding_of_f32(@TempDir Path dir) throws Exception {
    BpeTokenizer tok = BpeTrainer.train(TEXT, 300, List.of("<|endoftext|>"), PreTokenizer.GPT2);
    LlamaModel model = new LlamaModel(LlamaConfig.llama(tok.vocabSize(), 32, 64, 3, 4, 2, 64, 1e-5, 10000.0, true), 5);
    Path ckpt = dir.resolve("ckpt");
    LlamaCheckpoint.save(model, ckpt, Checkpoint.runInfo(Map.of("preset", "test"), 5, "none", 0));
    tok.save(ckpt.resolve("tokenizer.json"));
    Path text = dir.resolve("calibration.txt");
    Files.writeString(text, (TEXT + "\n").repeat(8));
    double[] f32 = blockInfluence("score", "--model", ckpt.toString(), "--corpus", text.toString(), "--windows", "2", "--block", "24");
    double[] bf16 = blockInfluence("score", "--model", ckpt.toString(), "--corpus", text.toString(), "--windows", "2", "--block", "24",
        "--precision", "bf16");
    assertThat(f32).hasSize(3);
    assertThat(bf16).hasSize(3);
    double worst = 0;
    for (int i = 0; i < 3; i++) worst = Math.max(worst, Math.abs(f32[i] - bf16[i]));
    // bfloat16 matmuls ran (not bit-equal) but BI (1 − cosine, in [0, 2]) moved only by rounding
    assertThat(worst).isGreaterThan(0).isLessThan(0.02);
  }
}
