package io.papers4j.lm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.Batch;
import io.papers4j.core.train.LossLog;
import io.papers4j.core.train.TrainCheckpoint;
import io.papers4j.lm.cli.LmCommand;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LmTrainingTest {
  static final String CORPUS = "lmtrain-test";
  @TempDir static Path tmp;
  static Path tokenizerFile;

  @BeforeAll
  static void setUp() {
    Engine.init(1);
    tokenizerFile = CountingText.register(CORPUS, tmp);
  }

  private static LmTrainOptions options(Path out, long steps, boolean resume) {
    return LmTrainOptions.builder("tiny", steps, out).optCorpus(CORPUS).optTokenizer(tokenizerFile).optBatch(2)
        .optSeq(16).optWarmup(1).optEvalEvery(2).optEvalBatches(1).optCheckpointEvery(2).optSeed(5).optResume(resume)
        .build();
  }

  @Test
  void trains_saves_a_loadable_model_directory_and_resumes() throws Exception {
    Path out = tmp.resolve("run");
    LmTraining.Run first = LmTraining.train(options(out, 6, false));
    assertThat(first.result().steps()).isEqualTo(6);
    for (String f : List.of("config.json", "model.safetensors", "papers4j.json", "tokenizer.json", "log.jsonl")) {
      assertThat(out.resolve(f)).isRegularFile();
    }
    // Every checkpoint is itself a model directory.
    Path ckpt = TrainCheckpoint.latest(out).orElseThrow();
    assertThat(ckpt.resolve("tokenizer.json")).isRegularFile();
    LlamaModel loaded = LlamaCheckpoint.load(out);
    int[] val = first.tokens().validation();
    LmEval.Score a = LmEval.score(first.model(), val, 2, 16);
    LmEval.Score b = LmEval.score(loaded, val, 2, 16);
    assertThat(b.loss()).isEqualTo(a.loss());
    assertThat(a.perplexity()).isCloseTo(Math.exp(a.loss()), offset(1e-9));

    // Resume: drop the step-6 checkpoint, continue from step 4 to 6: the same losses as straight.
    List<Double> straight = LossLog.read(out).train().stream().map(LossLog.TrainPoint::loss).toList();
    TrainCheckpoint.deleteTree(TrainCheckpoint.dirFor(out, 6));
    LmTraining.Run resumed = LmTraining.train(options(out, 6, true));
    assertThat(resumed.result().startStep()).isEqualTo(4);
    assertThat(LossLog.read(out).train().stream().map(LossLog.TrainPoint::loss).toList()).isEqualTo(straight);
  }

  @Test
  @SuppressWarnings("unchecked")
  void a_resumed_init_from_run_still_records_its_source() {
    Path base = tmp.resolve("init-base");
    LmTraining.train(options(base, 2, false));
    Path out = tmp.resolve("init-continued");
    LmTrainOptions fromBase = LmTrainOptions.builder("tiny", 4, out).optCorpus(CORPUS).optBatch(2).optSeq(16)
        .optWarmup(1).optEvalEvery(2).optEvalBatches(1).optCheckpointEvery(2).optSeed(5).optInitFrom(base).build();
    LmTraining.train(fromBase);
    TrainCheckpoint.deleteTree(TrainCheckpoint.dirFor(out, 4));
    // resumed without repeating --init-from: the checkpoint's record names where the weights began
    LmTrainOptions resumed = LmTrainOptions.builder("tiny", 4, out).optCorpus(CORPUS).optBatch(2).optSeq(16)
        .optWarmup(1).optEvalEvery(2).optEvalBatches(1).optCheckpointEvery(2).optSeed(5).optResume(true).build();
    assertThat(LmTraining.train(resumed).result().startStep()).isEqualTo(2);
    Map<String, Object> config = (Map<String, Object>) Checkpoint.readRunInfo(out).get("config");
    assertThat(config).containsEntry("init_from", base.toString()).doesNotContainKey("preset").containsKey("shape");
  }

  @Test
  void cli_train_then_eval() {
    Path out = tmp.resolve("cli");
    StringWriter sw = new StringWriter();
    CommandLine cl = new CommandLine(new LmCommand());
    cl.setOut(new PrintWriter(sw));
    int rc = cl.execute("train", "--corpus", CORPUS, "--tokenizer", tokenizerFile.toString(), "--steps", "3",
        "--batch", "2", "--seq", "16", "--eval-batches", "1", "--out", out.toString());
    assertThat(rc).isZero();
    assertThat(sw.toString()).contains("trained 3 steps").contains("perplexity");
    StringWriter ev = new StringWriter();
    cl.setOut(new PrintWriter(ev));
    rc = cl.execute("eval", "--model", out.toString(), "--corpus", CORPUS, "--seq", "16", "--batch", "2", "--json");
    assertThat(rc).isZero();
    assertThat(ev.toString()).contains("\"val_ppl\"").contains("\"unigram_ppl\"");
  }

  @Test
  @SuppressWarnings("unchecked")
  void cli_shape_options_size_a_fresh_model_and_are_refused_with_init_from() throws Exception {
    Path out = tmp.resolve("shaped");
    CommandLine cl = new CommandLine(new LmCommand());
    cl.setOut(new PrintWriter(new StringWriter()));
    int rc = cl.execute("train", "--corpus", CORPUS, "--tokenizer", tokenizerFile.toString(), "--steps", "2",
        "--batch", "2", "--seq", "16", "--eval-batches", "1", "--layers", "2", "--hidden", "64", "--intermediate", "128",
        "--out", out.toString());
    assertThat(rc).isZero();
    LlamaConfig c = LlamaCheckpoint.readConfig(out);
    assertThat(c.numHiddenLayers()).isEqualTo(2);
    assertThat(c.hiddenSize()).isEqualTo(64);
    assertThat(c.intermediateSize()).isEqualTo(128);
    // papers4j.json says what was trained: the preset only as the base of the shape, also after a resume
    for (boolean resumed : new boolean[] {false, true}) {
      if (resumed) {
        assertThat(cl.execute("train", "--corpus", CORPUS, "--tokenizer", tokenizerFile.toString(), "--steps", "3",
            "--batch", "2", "--seq", "16", "--eval-batches", "1", "--resume", "--out", out.toString())).isZero();
      }
      Map<String, Object> config = (Map<String, Object>) Checkpoint.readRunInfo(out).get("config");
      assertThat(config).as("resumed: %s", resumed).doesNotContainKey("preset").containsEntry("base_preset", "tiny");
      assertThat((Map<String, Object>) config.get("shape")).as("resumed: %s", resumed).containsEntry("layers", 2)
          .containsEntry("hidden", 64).containsEntry("intermediate", 128);
    }

    // the message the launcher prints: the exception's own, naming both options
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("error: " + ex.getMessage());
      return 1;
    });
    rc = cl.execute("train", "--corpus", CORPUS, "--steps", "1", "--batch", "2", "--seq", "16", "--init-from",
        out.toString(), "--layers", "3", "--out", tmp.resolve("shaped-again").toString());
    assertThat(rc).isEqualTo(1);
    assertThat(err.toString()).contains("--layers").contains("--init-from");
  }

  @Test
  void eval_without_tokenizer_names_the_file() {
    Path empty = tmp.resolve("empty");
    CommandLine cl = new CommandLine(new LmCommand());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    int rc = cl.execute("eval", "--model", empty.toString());
    assertThat(rc).isNotZero();
  }

  @Test
  void unigram_baseline_hand_computed() {
    // train counts: a=3, b=1 over V=3 (c unseen); add-one: p(a)=4/7, p(b)=2/7, p(c)=1/7
    int[] train = {0, 0, 0, 1};
    int[] val = {0, 2};
    double expected = Math.exp(-(Math.log(4.0 / 7) + Math.log(1.0 / 7)) / 2);
    assertThat(UnigramBaseline.perplexity(train, val, 3)).isCloseTo(expected, offset(1e-12));
  }

  @Test
  void token_data_batches_are_functions_of_the_step_and_validation_covers_the_stream() {
    int[] train = new int[500];
    for (int i = 0; i < train.length; i++) train[i] = i % 97;
    int[] val = new int[41]; // 41 tokens, T = 8: 5 windows, batch 2 → 3 batches (2, 2, 1)
    for (int i = 0; i < val.length; i++) val[i] = i;
    TokenTrainData d = new TokenTrainData(train, val, 2, 8, 3);
    Batch b1 = d.train(7);
    Batch b2 = new TokenTrainData(train, val, 2, 8, 3).train(7);
    assertThat(b1.inputs().equal(b2.inputs())).isTrue();
    assertThat(b1.items()).isEqualTo(16);
    assertThat(d.validationBatches()).isEqualTo(3);
    Batch last = d.validation(2);
    assertThat(last.inputs().shape()).containsExactly(1, 8);
    assertThat(last.inputs().get(0).get(0).item_long()).isEqualTo(32);
    assertThat(last.targets().get(0).get(7).item_long()).isEqualTo(40);
    assertThatThrownBy(() -> d.validation(3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void bf16_training_follows_the_f32_loss_curve_and_keeps_float32_master_weights() throws Exception {
    // same seed, data and steps; only the forward precision differs
    LmTraining.Run f32 = LmTraining.train(options(tmp.resolve("f32"), 12, false).toBuilder().optEvalEvery(12).build());
    LmTraining.Run bf16 = LmTraining.train(options(tmp.resolve("bf16"), 12, false).toBuilder().optEvalEvery(12)
        .optPrecision(io.papers4j.core.tensor.Precision.BF16).optSaveDtype(io.papers4j.core.io.SaveDtype.BF16).build());
    List<LossLog.TrainPoint> a = f32.result().train(), b = bf16.result().train();
    assertThat(b).hasSameSizeAs(a);
    double worst = 0;
    for (int i = 0; i < a.size(); i++) worst = Math.max(worst, Math.abs(b.get(i).loss() - a.get(i).loss()) / a.get(i).loss());
    System.out.printf("bf16 vs f32 training loss: largest relative difference over 12 steps %.4f%n", worst);
    // bfloat16 keeps 8 mantissa bits (relative rounding 2^-9 ~ 0.2% per value); 12 steps of a tiny model stay within 3%
    assertThat(worst).isLessThan(0.03).isGreaterThan(0.0); // > 0: the bf16 run really computed in bf16
    for (var e : bf16.model().namedParameters().entrySet()) {
      assertThat(e.getValue().scalar_type().intern()).as(e.getKey()).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float);
    }
    assertThat(Files.readString(tmp.resolve("bf16").resolve("papers4j.json"))).contains("\"precision\" : \"bf16\"");
    assertThat(LlamaCheckpoint.load(tmp.resolve("bf16")).namedParameters().get("model.embed_tokens.weight").scalar_type().intern())
        .isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float);
    // --save-dtype bf16: the final model is bf16, the resumable checkpoints stay float32
    assertThat(io.papers4j.core.io.Safetensors.readHeader(tmp.resolve("bf16").resolve("model.safetensors")).tensors().values())
        .allMatch(t -> t.dtype() == io.papers4j.core.io.DType.BF16);
    assertThat(Files.readString(tmp.resolve("bf16").resolve("config.json"))).contains("\"torch_dtype\": \"bfloat16\"");
    assertThat(Files.readString(tmp.resolve("bf16").resolve("papers4j.json"))).contains("\"save_dtype\" : \"bf16\"");
    try (var dirs = Files.list(tmp.resolve("bf16"))) {
      Path ckpt = dirs.filter(d -> d.getFileName().toString().startsWith("checkpoint-")).findFirst().orElseThrow();
      assertThat(io.papers4j.core.io.Safetensors.readHeader(ckpt.resolve("model.safetensors")).tensors().values())
          .allMatch(t -> t.dtype() == io.papers4j.core.io.DType.F32);
    }
  }
}
