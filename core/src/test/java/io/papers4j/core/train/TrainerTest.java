package io.papers4j.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.WeightDecay;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  static final int N = 15;

  @TempDir Path tmp;

  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  private static TrainConfig config(Path out) {
    // 2N steps, warm-up 3, cosine to 10%, clip 1.0, eval every 5 on 4 batches, checkpoint every 5
    return new TrainConfig(2 * N, 8, 0.05, 3, 0.1, 1.0, 5, 4, 5, 3, 7, out);
  }

  private static Trainer trainer(TrainConfig c) {
    TinyModel m = new TinyModel(11);
    AdamW opt = new AdamW(m.namedParameters(), AdamConfig.llama(c.lr()), WeightDecay.EXCLUDE_NORMS_BIASES_EMBEDDINGS);
    return new Trainer(c, m, opt, TinyModel.data(3, c.batch(), 12)).progress(ProgressBar.Mode.OFF);
  }

  private static float[] params(Path ckpt) {
    Map<String, Tensor> t = io.papers4j.core.io.Safetensors.read(ckpt.resolve(TrainCheckpoint.MODEL));
    Tensor all = org.bytedeco.pytorch.global.torch.cat(
        new org.bytedeco.pytorch.TensorVector(
            t.values().stream().map(x -> x.reshape(-1)).toArray(Tensor[]::new)));
    float[] out = new float[(int) all.numel()];
    all.contiguous().createBuffer().rewind();
    ((java.nio.FloatBuffer) all.contiguous().createBuffer()).get(out);
    return out;
  }

  @Test
  void resumed_run_gives_the_same_loss_curve_bit_for_bit() {
    Path straightDir = tmp.resolve("straight");
    TrainResult straight = trainer(config(straightDir)).run(false);

    Path splitDir = tmp.resolve("split");
    TrainResult first = trainer(config(splitDir)).stopAt(N).run(false);
    assertThat(first.steps()).isEqualTo(N);
    // A fresh JVM would start with a fresh model and optimizer: build new ones here too.
    TrainResult resumed = trainer(config(splitDir)).run(true);
    assertThat(resumed.startStep()).isEqualTo(N);

    List<Double> a = straight.train().stream().map(LossLog.TrainPoint::loss).toList();
    List<Double> b = resumed.train().stream().map(LossLog.TrainPoint::loss).toList();
    assertThat(a).hasSize(2 * N);
    assertThat(b).isEqualTo(a); // bit-identical doubles
    assertThat(resumed.eval()).isEqualTo(straight.eval());
    assertThat(LossLog.read(splitDir).train()).extracting(LossLog.TrainPoint::loss).isEqualTo(a);
    assertThat(params(TrainCheckpoint.dirFor(splitDir, 2 * N)))
        .isEqualTo(params(TrainCheckpoint.dirFor(straightDir, 2 * N)));
  }

  @Test
  void a_step_hook_replaces_the_loss_and_resume_stays_exact() {
    // the hook that computes the default loss gives the default curve
    TinyModel m = new TinyModel(11);
    TrainConfig c = config(tmp.resolve("plain"));
    AdamW opt = new AdamW(m.namedParameters(), AdamConfig.llama(c.lr()), WeightDecay.EXCLUDE_NORMS_BIASES_EMBEDDINGS);
    TrainResult hooked = new Trainer(c, m, opt, TinyModel.data(3, c.batch(), 12)).progress(ProgressBar.Mode.OFF)
        .stepLoss((step, b) -> m.loss(b.inputs(), b.targets())).run(false);
    TrainResult plain = trainer(config(tmp.resolve("plain2"))).run(false);
    assertThat(hooked.train()).extracting(LossLog.TrainPoint::loss)
        .isEqualTo(plain.train().stream().map(LossLog.TrainPoint::loss).toList());

    // a step-dependent loss (as a diffusion step draws its noise level from the step) is what is
    // trained and logged, and a resumed run reproduces it bit for bit
    java.util.function.Function<Path, Trainer> weighted = dir -> {
      TinyModel w = new TinyModel(11);
      TrainConfig wc = config(dir);
      AdamW wo = new AdamW(w.namedParameters(), AdamConfig.llama(wc.lr()), WeightDecay.EXCLUDE_NORMS_BIASES_EMBEDDINGS);
      return new Trainer(wc, w, wo, TinyModel.data(3, wc.batch(), 12)).progress(ProgressBar.Mode.OFF)
          .stepLoss((step, b) -> w.loss(b.inputs(), b.targets()).mul(new org.bytedeco.pytorch.Scalar(1 + step % 3)))
          .validationLoss((i, b) -> org.bytedeco.pytorch.global.torch.full(new long[] {}, new org.bytedeco.pytorch.Scalar(2.0)));
    };
    TrainResult straight = weighted.apply(tmp.resolve("w1")).run(false);
    weighted.apply(tmp.resolve("w2")).stopAt(N).run(false);
    TrainResult resumed = weighted.apply(tmp.resolve("w2")).run(true);
    assertThat(resumed.train()).extracting(LossLog.TrainPoint::loss)
        .isEqualTo(straight.train().stream().map(LossLog.TrainPoint::loss).toList());
    assertThat(straight.train().get(2).loss()).isGreaterThan(2 * straight.train().get(3).loss() * 0.9);
    assertThat(straight.eval()).allSatisfy(e -> assertThat(e.loss()).isEqualTo(2.0));
  }

  @Test
  void resuming_from_an_older_checkpoint_drops_the_later_log_lines() throws Exception {
    Path dir = tmp.resolve("older");
    TrainResult straight = trainer(config(dir)).run(false);
    // Pretend the run died right after step 20: later checkpoints are lost, the log ran ahead.
    for (Path p : TrainCheckpoint.list(dir)) {
      if (TrainCheckpoint.stepOf(p) > 20) TrainCheckpoint.deleteTree(p);
    }
    assertThat(TrainCheckpoint.latest(dir)).contains(TrainCheckpoint.dirFor(dir, 20).toAbsolutePath());
    TrainResult resumed = trainer(config(dir)).run(true);
    assertThat(resumed.startStep()).isEqualTo(20);
    assertThat(resumed.train()).extracting(LossLog.TrainPoint::loss)
        .isEqualTo(straight.train().stream().map(LossLog.TrainPoint::loss).toList());
    assertThat(resumed.train()).extracting(LossLog.TrainPoint::step).doesNotHaveDuplicates();
  }

  @Test
  void training_lowers_validation_loss_and_writes_log_and_checkpoints() throws Exception {
    Path dir = tmp.resolve("run");
    TrainResult r = trainer(config(dir).withSteps(60).withEval(20, 4)).run(false);
    double initial = r.eval().get(0).loss();
    assertThat(r.eval()).extracting(LossLog.EvalPoint::step).containsExactly(0L, 20L, 40L, 60L);
    // ln 16 = 2.77 at chance; the rule is learnable to the 10% noise floor (~0.6 nats)
    assertThat(initial).isGreaterThan(2.0);
    assertThat(r.finalValLoss()).isLessThan(initial * 0.6);
    assertThat(r.finalValPerplexity()).isEqualTo(Math.exp(r.finalValLoss()));
    assertThat(Files.readAllLines(dir.resolve(LossLog.FILE))).hasSize(60 + 4);
    // keepCheckpoints = 3 of those written at 5, 10, ..., 60
    assertThat(TrainCheckpoint.list(dir)).extracting(p -> p.getFileName().toString())
        .containsExactly("checkpoint-000050", "checkpoint-000055", "checkpoint-000060");
    Path last = TrainCheckpoint.dirFor(dir, 60);
    assertThat(last.resolve(TrainCheckpoint.MODEL)).isRegularFile();
    assertThat(last.resolve(TrainCheckpoint.OPTIMIZER)).isRegularFile();
    assertThat(Files.readString(last.resolve(TrainCheckpoint.STATE))).contains("\"step\" : 60").contains("rng_state");
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }
    assertThat(r.items()).isEqualTo(60L * 8 * 12);
  }

  @Test
  void the_after_step_hook_sees_every_update_once_in_order_after_the_weights_changed() {
    TrainConfig c = new TrainConfig(7, 8, 0.05, 0, 1.0, 1.0, 0, 0, 0, 1, 7, tmp.resolve("hook")); // no warm-up: step 1 moves the weights
    TinyModel m = new TinyModel(11);
    AdamW opt = new AdamW(m.namedParameters(), AdamConfig.llama(c.lr()), WeightDecay.EXCLUDE_NORMS_BIASES_EMBEDDINGS);
    Tensor w = m.namedParameters().values().iterator().next();
    float[] before = new float[(int) w.numel()];
    w.contiguous().data_ptr_float().get(before);
    java.util.List<Long> seen = new java.util.ArrayList<>();
    double[] moved = new double[1];
    new Trainer(c, m, opt, TinyModel.data(3, c.batch(), 12)).progress(ProgressBar.Mode.OFF).afterStep(done -> {
      if (seen.isEmpty()) {
        float[] now = new float[before.length];
        w.contiguous().data_ptr_float().get(now);
        for (int i = 0; i < now.length; i++) moved[0] = Math.max(moved[0], Math.abs(now[i] - before[i]));
      }
      seen.add(done);
    }).run(false);
    assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(moved[0]).as("the first call comes after the first update").isGreaterThan(0);
  }

  @Test
  void extra_files_go_into_every_checkpoint() {
    Path dir = tmp.resolve("extra");
    trainer(config(dir).withSteps(10))
        .extraFiles((d, step) -> Files.writeString(d.resolve("config.json"), "{\"step\": " + step + "}"))
        .run(false);
    assertThat(TrainCheckpoint.dirFor(dir, 10).resolve("config.json")).hasContent("{\"step\": 10}");
  }

  @Test
  void divergence_fails_with_a_clear_message() {
    TrainConfig c = new TrainConfig(5, 8, 1e30, 0, 1.0, 0, 0, 0, 0, 1, 1, tmp.resolve("nan"));
    assertThatThrownBy(() -> trainer(c).run(false)).hasMessageContaining("training diverged");
  }

  @Test
  void config_validation_names_the_field() {
    assertThatThrownBy(() -> TrainConfig.of(0, 8, 1e-3, 1, tmp)).hasMessageContaining("steps");
    assertThatThrownBy(() -> new TrainConfig(10, 8, 1e-3, 20, 0.1, 1, 0, 0, 0, 1, 1, tmp))
        .hasMessageContaining("warmup");
  }

  @Test
  void resume_with_a_checkpoint_of_another_model_names_the_tensor() {
    Path dir = tmp.resolve("mismatch");
    trainer(config(dir).withSteps(5)).run(false);
    TinyModel other = new TinyModel(1) {
      @Override
      public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new java.util.LinkedHashMap<>(super.namedParameters());
        m.put("model.extra.weight", org.bytedeco.pytorch.global.torch.zeros(2).set_requires_grad(true));
        return m;
      }
    };
    AdamW opt = new AdamW(other.namedParameters(), AdamConfig.llama(1e-3));
    Trainer t = new Trainer(config(dir).withSteps(10), other, opt, TinyModel.data(3, 8, 12)).progress(ProgressBar.Mode.OFF);
    assertThatThrownBy(() -> t.run(true)).hasMessageContaining("missing parameter 'model.extra.weight'");
  }
}
