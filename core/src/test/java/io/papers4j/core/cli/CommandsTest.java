package io.papers4j.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.data.Corpora;
import io.papers4j.core.data.TextCorpus;
import io.papers4j.core.io.Safetensors;
import io.papers4j.core.cli.SafetensorsCommand;
import io.papers4j.core.tokenize.BpeTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandsTest {
  @TempDir Path dir;

  private static String run(Object command, String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int rc = new CommandLine(command).execute(args);
      assertThat(rc).as(String.join(" ", args)).isZero();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void train_encode_decode_from_the_command_line() {
    Corpora.register("cli-test", () -> TextCorpus.of("cli-test", "test",
        List.of("the cat sat on the mat", "the dog sat on the log", "a cat and a dog", "the end")));
    Path out = dir.resolve("tokenizer.json");
    String train = run(new TokenizerCommand(), "train", "--corpus", "cli-test", "--vocab-size", "270",
        "--val-fraction", "0.25", "--out", out.toString());
    assertThat(train).contains("trained 270 tokens").contains("validation:");
    BpeTokenizer tok = BpeTokenizer.load(out);
    String enc = run(new TokenizerCommand(), "encode", "--tokenizer", out.toString(), "--text", "the cat");
    int[] ids = tok.encode("the cat");
    assertThat(enc.strip()).isEqualTo("{\"ids\": " + java.util.Arrays.toString(ids) + "}");
    String idList = String.join(",", java.util.Arrays.stream(ids).mapToObj(Integer::toString).toList());
    assertThat(run(new TokenizerCommand(), "decode", "--tokenizer", out.toString(), "--ids", idList).strip())
        .isEqualTo("the cat");
  }

  @Test
  void safetensors_lists_tensors_and_metadata() throws Exception {
    Path f = dir.resolve("m.safetensors");
    Safetensors.write(f, Map.of("model.norm.weight", torch.ones(4)), Map.of("format", "pt"));
    String out = run(new SafetensorsCommand(), f.toString());
    assertThat(out).contains("model.norm.weight").contains("F32").contains("[4]")
        .contains("__metadata__ format = pt").contains("1 tensors, 4 elements, 16 bytes");
    Files.write(f, new byte[] {1, 2, 3});
    int rc = new CommandLine(new SafetensorsCommand()).execute(f.toString());
    assertThat(rc).isNotZero();
  }
}
