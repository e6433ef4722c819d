package io.papers4j.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import io.papers4j.lm.generate.Generation;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.generate.Sampling;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LmCommandTest {
  private static final String TEXT =
      "In the beginning God created the heaven and the earth. And the earth was without form, and"
          + " void; and darkness was upon the face of the deep. And the Spirit of God moved upon the"
          + " face of the waters. And God said, Let there be light: and there was light.";

  @TempDir static Path tmp;
  static Path dir;
  static BpeTokenizer tok;
  static LlamaModel model;

  @BeforeAll
  static void checkpoint() {
    tok = BpeTrainer.train(TEXT, 300, List.of("<|endoftext|>"), PreTokenizer.GPT2);
    LlamaConfig c = LlamaConfig.llama(tok.vocabSize(), 32, 64, 2, 4, 2, 128, 1e-5, 10000.0, true);
    model = new LlamaModel(c, 5);
    dir = tmp.resolve("ckpt");
    LlamaCheckpoint.save(model, dir, Checkpoint.runInfo(Map.of("preset", "test"), 5, "none", 0));
    tok.save(dir.resolve("tokenizer.json"));
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new LmCommand());
    cl.setOut(new PrintWriter(out));
    cl.setExecutionExceptionHandler((ex, c, p) -> {
      throw ex;
    });
    int rc = cl.execute(args);
    assertThat(rc).as(String.join(" ", args)).isZero();
    return out.toString();
  }

  /** Runs a command that must fail; returns its one-line error as the CLI's handler prints it. */
  private static String fail(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new LmCommand());
    cl.setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler((ex, c, p) -> {
      c.getErr().println("error: " + ex.getMessage());
      return 1;
    });
    assertThat(cl.execute(args)).as(String.join(" ", args)).isEqualTo(1);
    return err.toString();
  }

  @Test
  void info_prints_config_parameter_count_and_tensors() {
    String out = run("info", "--model", dir.toString());
    String count = String.format("%,d", model.config().parameterCount());
    assertThat(out)
        .contains("LlamaForCausalLM")
        .contains("parameters   " + count + " stored (" + count + " expected")
        .contains("model.layers.1.self_attn.k_proj.weight")
        .contains("[16, 32]")
        .contains("tied");
  }

  @Test
  void score_prints_null_then_the_log_prob_of_each_next_id() throws Exception {
    long[] ids = {5, 17, 42, 99, 3};
    JsonNode j = new ObjectMapper().readTree(run("score", "--model", dir.toString(), "--ids", "5,17,42,99,3"));
    assertThat(j.get("ids").toString()).isEqualTo("[5,17,42,99,3]");
    JsonNode lp = j.get("next_token_logprobs");
    assertThat(lp.size()).isEqualTo(5);
    assertThat(lp.get(0).isNull()).isTrue();
    double[] want = model.nextTokenLogProbs(ids);
    for (int i = 1; i < 5; i++) {
      assertThat(lp.get(i).asDouble()).isCloseTo(want[i - 1], org.assertj.core.data.Offset.offset(1e-9));
      assertThat(lp.get(i).asDouble()).isNegative();
    }
    // --text goes through the tokenizer
    JsonNode t = new ObjectMapper().readTree(run("score", "--model", dir.toString(), "--text", "the earth"));
    assertThat(t.get("ids").toString())
        .isEqualTo(Arrays.toString(tok.encode("the earth")).replace(" ", ""));
  }

  @Test
  void precision_bf16_reaches_the_model_in_score_generate_and_eval() throws Exception {
    long[] ids = {5, 17, 42, 99, 3};
    double[] want32 = model.nextTokenLogProbs(ids);
    double[] want16;
    try (io.papers4j.core.tensor.Precision.Region r = io.papers4j.core.tensor.Precision.BF16.autocast()) {
      want16 = model.nextTokenLogProbs(ids);
    }
    JsonNode lp = new ObjectMapper().readTree(run("score", "--model", dir.toString(), "--ids", "5,17,42,99,3",
        "--precision", "bf16")).get("next_token_logprobs");
    double worst = 0;
    for (int i = 1; i < 5; i++) {
      // the command computed exactly what the model computes under bf16 autocast ...
      assertThat(lp.get(i).asDouble()).isCloseTo(want16[i - 1], org.assertj.core.data.Offset.offset(1e-9));
      worst = Math.max(worst, Math.abs(lp.get(i).asDouble() - want32[i - 1]));
    }
    // ... which is not float32 (bfloat16 matmuls ran) but within bfloat16 rounding of it
    assertThat(worst).isGreaterThan(0).isLessThan(0.05);
    String g = run("generate", "--model", dir.toString(), "--prompt", "And God", "--max-new-tokens", "4",
        "--temperature", "0", "--precision", "bf16");
    assertThat(g).startsWith("And God");
    assertThat(fail("score", "--model", dir.toString(), "--ids", "5,17", "--precision", "fp16"))
        .contains("precision must be f32 or bf16, got 'fp16'");
  }

  @Test
  void needle_runs_the_grid_in_f32_and_bf16_and_records_the_precision() throws Exception {
    // a small in-memory haystack: 40 blocks of 100 units, so the 5% validation split holds two blocks
    List<String> units = new java.util.ArrayList<>();
    for (int i = 0; i < 4000; i++) units.add(TEXT.substring(0, 40 + i % 60));
    io.papers4j.core.data.Corpora.register("needle-test", () -> io.papers4j.core.data.TextCorpus.of("needle-test", "test", units));
    for (String p : List.of("f32", "bf16")) {
      Path prefix = tmp.resolve("needle-" + p);
      String out = run("needle", "--model", dir.toString(), "--corpus", "needle-test", "--lengths", "96", "--depths", "0.5",
          "--trials", "2", "--out", prefix.toString(), "--precision", p);
      assertThat(out).contains("mean exact-match accuracy");
      JsonNode j = new ObjectMapper().readTree(Files.readString(Path.of(prefix + ".json")));
      assertThat(j.get("precision").asText()).isEqualTo(p);
      assertThat(Path.of(prefix + ".png")).exists();
    }
  }

  @Test
  void greedy_generate_prints_the_prompt_and_the_decoded_continuation() {
    String out = run("generate", "--model", dir.toString(), "--prompt", "And God", "--max-new-tokens", "8", "--temperature", "0");
    long[] prompt = Arrays.stream(tok.encode("And God")).asLongStream().toArray();
    long[] gen = Generation.generate(model, prompt, 8, Sampling.greedy(), null, true, null);
    String expected = "And God" + tok.decode(Arrays.stream(gen).mapToInt(x -> (int) x).toArray());
    assertThat(out.strip()).isEqualTo(expected.strip());
    // seeded sampling is reproducible
    String a = run("generate", "--model", dir.toString(), "--prompt", "And", "--seed", "3", "--max-new-tokens", "6");
    String b = run("generate", "--model", dir.toString(), "--prompt", "And", "--seed", "3", "--max-new-tokens", "6");
    assertThat(a).isEqualTo(b);
  }

  @Test
  void clear_errors_for_bad_ids_and_a_missing_tokenizer() throws Exception {
    assertThat(fail("score", "--model", dir.toString(), "--ids", "1," + tok.vocabSize()))
        .contains("outside the vocabulary");
    Path noTok = tmp.resolve("notok");
    LlamaCheckpoint.save(model, noTok, Checkpoint.runInfo(Map.of(), 5, "none", 0));
    assertThat(fail("generate", "--model", noTok.toString(), "--prompt", "x"))
        .contains("tokenizer.json: no such file");
    assertThat(fail("info", "--model", tmp.resolve("nothing").toString())).contains("config.json");
    assertThat(Files.exists(noTok.resolve("config.json"))).isTrue();
  }
}
