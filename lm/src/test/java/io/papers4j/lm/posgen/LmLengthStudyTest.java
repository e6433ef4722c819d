package io.papers4j.lm.posgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.data.Corpora;
import io.papers4j.core.data.TextCorpus;
import io.papers4j.core.nn.pos.ScaledRotaryEmbedding;
import io.papers4j.core.report.Result;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import io.papers4j.lm.cli.LmCommand;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Fig. 4 analogue on a synthetic corpus: a RoPE model pretrained at L = 16, fine-tuned with each
 * encoding through the {@code lm train --init-from --rope} path, reloaded from config.json and
 * scored at 16 … 64 tokens.
 */
class LmLengthStudyTest {
  static final String CORPUS = "rope-length-test";
  @TempDir static Path tmp;
  static Path tokenizerFile;
  static int vocab;

  @BeforeAll
  static void setUp() {
    Engine.init(1);
    List<String> units = new ArrayList<>();
    String[] words = {"and", "the", "lord", "said", "unto", "moses", "in", "the", "beginning"};
    for (int i = 0; i < 600; i++)
      units.add(words[i % words.length] + " " + words[(i * 5) % words.length] + " verse " + (i % 40) + ".");
    TextCorpus c = TextCorpus.of(CORPUS, "synthetic test text", units);
    Corpora.register(CORPUS, () -> c);
    BpeTokenizer tok = BpeTrainer.train(String.join("\n", units), 300, List.of(), PreTokenizer.GPT2);
    vocab = tok.vocabSize();
    tokenizerFile = tmp.resolve("tok.json");
    tok.save(tokenizerFile);
  }

  static LmLengthStudy.Config config(long steps) {
    return new LmLengthStudy.Config(LmLengthStudy.FIG4, 4, "tiny", CORPUS, tokenizerFile, steps + 1, steps, 2, 16,
        3e-3, 1e-3, new int[] {1, 2, 3, 4}, 1, 7);
  }

  @Test
  void every_encoding_is_fine_tuned_from_the_rope_model_reloaded_and_scored_past_the_trained_length()
      throws Exception {
    LmLengthStudy.Results r = LmLengthStudy.run(config(2), tmp.resolve("runs"));
    assertThat(r.config().lengths()).containsExactly(16, 32, 48, 64);
    assertThat(r.config().evalTokens()).isEqualTo(12 * 16); // lcm(1..4) = 12 windows of L
    assertThat(r.pretrained().steps()).isEqualTo(3);
    assertThat(r.pretrained().modelDir().getFileName().toString()).isEqualTo(LmLengthStudy.PRETRAINED);
    assertThat(LlamaCheckpoint.load(r.pretrained().modelDir()).positionEncoding())
        .isNotInstanceOf(ScaledRotaryEmbedding.class);
    assertThat(r.curves()).extracting(LmLengthStudy.Curve::encoding).containsExactly("rope", "yarn", "resonance-yarn");
    for (LmLengthStudy.Curve c : r.curves()) {
      assertThat(c.steps()).isEqualTo(2);
      // fine-tuned: papers4j.json records where the weights came from
      assertThat(Files.readString(c.modelDir().resolve("papers4j.json"))).contains("init_from")
          .contains(LmLengthStudy.PRETRAINED);
      assertThat(c.perplexity()).hasSize(4);
      // two steps from a 0.02-std init: finite and not above the uniform level at any length
      for (double p : c.perplexity()) assertThat(p).as(c.encoding()).isFinite().isGreaterThan(1.0).isLessThan(1.5 * vocab);
      LlamaModel m = LlamaCheckpoint.load(c.modelDir());
      if (c.encoding().equals("rope")) {
        assertThat(m.positionEncoding()).isNotInstanceOf(ScaledRotaryEmbedding.class);
      } else {
        var rc = ((ScaledRotaryEmbedding) m.positionEncoding()).config();
        assertThat(rc.name()).isEqualTo(c.encoding());
        assertThat(rc.factor()).isEqualTo(4.0);
        assertThat(rc.originalMaxPositionEmbeddings()).isEqualTo(16);
      }
    }
    assertThat(r.unigramPerplexity()).isFinite().isGreaterThan(1);
  }

  @Test
  void an_untrained_model_scores_the_uniform_perplexity_at_every_length() {
    Path dir = tmp.resolve("untrained");
    LmLengthStudy.run(new LmLengthStudy.Config(List.of("resonance-yarn"), 4, "tiny", CORPUS, tokenizerFile, 1, 1, 2,
        16, 3e-3, 1e-3, new int[] {1, 4}, 2, 1), dir);
    // a fresh model with all weights at zero predicts uniformly: perplexity = vocabulary size exactly
    LlamaModel m = new LlamaModel(LlamaCheckpoint.readConfig(dir.resolve("resonance-yarn")), 3);
    m.namedParameters().forEach((k, t) -> {
      if (!k.contains("norm")) {
        try (var g = new org.bytedeco.pytorch.NoGradGuard()) {
          t.zero_();
        }
      }
    });
    int[] tokens = new int[4 * 64 + 1];
    for (int i = 0; i < tokens.length; i++) tokens[i] = (i * 37) % vocab;
    double[] ppl = LmLengthStudy.perplexityByLength(m, tokens, new int[] {16, 32, 64});
    assertThat(ppl).hasSize(3);
    int v = m.config().vocabSize();
    for (double p : ppl) assertThat(p).isCloseTo(v, org.assertj.core.data.Percentage.withPercentage(1e-3));
  }

  @Test
  void the_report_has_the_perplexity_table_plot_and_curves() throws Exception {
    LmLengthStudy.Results lm = LmLengthStudy.run(config(1), tmp.resolve("report-runs"));
    PosGenSpec spec = new PosGenSpec(5, 1, 3, 10, 20, 20, 4, 3);
    PosGenPreset p = new PosGenPreset("quick", List.of(PosGenTask.SEMI_RECURSIVE), List.of(1L), spec,
        new PosGenModelConfig(10, 1, 16, 1, 16, 32, 0.0, 1e-6), new PosGenTrainConfig(1, 4, 1e-3, 0.01, 0.1, 4),
        Protocol.TRAIN_PLAIN_EVAL_SCALED);
    Path out = tmp.resolve("report");
    Result result = ResonanceRopeReport.write(PosGenStudy.run(p), lm, out, 1.0);
    assertThat(out.resolve("perplexity_by_length.png")).exists();
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) result.metrics().get("lm_perplexity_by_length");
    assertThat((int[]) m.get("eval_lengths")).containsExactly(16, 32, 48, 64);
    assertThat((double[]) m.get("resonance_yarn_minus_yarn_ppl")).hasSize(4);
    assertThat(m).containsKeys("pretrained_rope", "resonance_yarn_below_yarn_beyond_L",
        "yarn_and_resonance_yarn_below_rope_beyond_L");
    assertThat(m.get("finetune_steps")).isEqualTo(1L);
    String readme = Files.readString(out.resolve("README.md"));
    assertThat(readme).contains("ppl @ 64").contains("| resonance-yarn |").contains("Fig. 4")
        .contains("| rope, pretrained (no fine-tune) |").contains("--init-from");
    assertThat(result.notes()).contains("Resonance YaRN below YaRN at").contains("lowest per length:")
        .contains("Verdict: Resonance YaRN beats YaRN beyond L: ");
    assertThat(Result.readJson(out.resolve("result.json"))).containsKey("paper_reference");
  }

  @Test
  void cli_trains_with_a_rope_variant_and_evaluates_at_four_times_the_trained_context() {
    Path out = tmp.resolve("cli");
    StringWriter sw = new StringWriter();
    CommandLine cl = new CommandLine(new LmCommand());
    cl.setOut(new PrintWriter(sw));
    int rc = cl.execute("train", "--corpus", CORPUS, "--tokenizer", tokenizerFile.toString(), "--steps", "2",
        "--batch", "2", "--seq", "16", "--eval-batches", "1", "--rope", "resonance-yarn", "--rope-factor", "4",
        "--out", out.toString());
    assertThat(rc).isZero();
    StringWriter ev = new StringWriter();
    cl.setOut(new PrintWriter(ev));
    rc = cl.execute("eval", "--model", out.toString(), "--corpus", CORPUS, "--context", "64", "--batch", "2", "--json");
    assertThat(rc).isZero();
    assertThat(ev.toString()).contains("\"val_ppl\"");
  }

  @Test
  void cli_init_from_loads_the_weights_and_writes_this_runs_rope_block() throws Exception {
    Path pre = tmp.resolve("cli-pre");
    CommandLine cl = new CommandLine(new LmCommand());
    cl.setOut(new PrintWriter(new StringWriter()));
    assertThat(cl.execute("train", "--corpus", CORPUS, "--tokenizer", tokenizerFile.toString(), "--steps", "2",
        "--batch", "2", "--seq", "16", "--eval-batches", "1", "--out", pre.toString())).isZero();
    // one step with lr 0 (warm-up 1 step: lr rises from 0): the fine-tuned copy keeps the pretrained weights
    Path ft = tmp.resolve("cli-ft");
    assertThat(cl.execute("train", "--corpus", CORPUS, "--init-from", pre.toString(), "--steps", "1", "--lr", "0",
        "--batch", "2", "--seq", "16", "--eval-batches", "1", "--rope", "yarn", "--rope-factor", "4",
        "--out", ft.toString())).isZero();
    LlamaModel a = LlamaCheckpoint.load(pre);
    LlamaModel b = LlamaCheckpoint.load(ft);
    assertThat(b.namedParameters().keySet()).isEqualTo(a.namedParameters().keySet());
    a.namedParameters().forEach((k, t) -> assertThat(t.equal(b.namedParameters().get(k))).as(k).isTrue());
    assertThat(a.positionEncoding()).isNotInstanceOf(ScaledRotaryEmbedding.class);
    var rc = ((ScaledRotaryEmbedding) b.positionEncoding()).config();
    assertThat(rc.name()).isEqualTo("yarn");
    assertThat(rc.factor()).isEqualTo(4.0);
    String cfg = Files.readString(ft.resolve("config.json"));
    assertThat(cfg).contains("rope_scaling").contains("\"yarn\"");
    assertThat(Files.readString(ft.resolve("tokenizer.json"))).isEqualTo(Files.readString(pre.resolve("tokenizer.json")));
    // a directory without a model is named
    assertThatThrownBy(() -> io.papers4j.lm.train.LmTraining.train(
        io.papers4j.lm.train.LmTrainOptions.builder("tiny", 1, tmp.resolve("x")).optInitFrom(tmp.resolve("nothing"))
            .build()))
        .hasMessageContaining("--init-from").hasMessageContaining("nothing");
  }

  @Test
  void bad_settings_name_the_problem() {
    assertThatThrownBy(() -> new LmLengthStudy.Config(List.of(), 4, "tiny", CORPUS, null, 1, 1, 2, 16, 3e-3, 1e-3,
        new int[] {1}, 1, 0)).hasMessageContaining("at least one encoding");
    assertThatThrownBy(() -> new LmLengthStudy.Config(LmLengthStudy.FIG4, 4, "tiny", CORPUS, null, 1, 1, 2, 16, 3e-3,
        1e-3, new int[] {0, 2}, 1, 0)).hasMessageContaining("multiples");
    assertThatThrownBy(() -> LmLengthStudy.prefix(new int[10], 100)).hasMessageContaining("validation split has 10");
    assertThat(LmLengthStudy.lcm(4, 6)).isEqualTo(12);
  }
}
