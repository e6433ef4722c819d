package io.papers4j.lm.llama;

import io.papers4j.core.data.EvalBatches;
import io.papers4j.core.data.KjvBible;
import io.papers4j.core.data.Split;
import io.papers4j.core.data.TokenBatcher;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.LrSchedule;
import io.papers4j.core.optim.WeightDecay;
import io.papers4j.core.train.Batch;
import io.papers4j.core.train.TrainConfig;
import io.papers4j.core.train.TrainData;
import io.papers4j.core.train.TrainResult;
import io.papers4j.core.train.Trainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Small byte-level language models on the KJV Bible, the workhorse of the layer-surgery
 * reproductions (ShortGPT, Yi depth up-scaling): UTF-8 bytes are the tokens (vocabulary 256),
 * the last 5% of verses are held out, training goes through {@link Trainer} and perplexity is
 * measured on fixed, non-overlapping held-out windows.
 */
public final class ByteLmExperiment {
  /** Token streams of the two splits. */
  public record Data(int[] train, int[] validation) {
    /**
     * Held-out windows {@code [from, from + count)} of {@code block} tokens (+1 for the target),
     * as (B, T + 1)-free batches of inputs/targets.
     */
    public List<Batch> windows(int block, int from, int count, int batch) {
      int needed = (from + count) * block + 1;
      if (validation.length < needed) {
        throw new IllegalArgumentException("validation split has " + validation.length
            + " tokens, need " + needed + " for " + (from + count) + " windows of " + block);
      }
      int[] slice = java.util.Arrays.copyOfRange(validation, from * block, (from + count) * block + 1);
      List<Batch> out = new ArrayList<>();
      for (Batch b : new EvalBatches(slice, batch, block)) out.add(b);
      return out;
    }
  }

  private ByteLmExperiment() {}

  /** KJV verses as bytes, the last 5% of verses held out. */
  public static Data kjv() {
    Split split = Split.tail(KjvBible.verses(), 0.05);
    return new Data(bytes(split.trainText()), bytes(split.validationText()));
  }

  static int[] bytes(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) out[i] = b[i] & 0xff;
    return out;
  }

  /** A pre-norm LLaMA over bytes: d, layers, 4 heads, SwiGLU width ≈ 8/3·d, context {@code block}. */
  public static LlamaConfig config(int hidden, int layers, int intermediate, int block) {
    return LlamaConfig.llama(256, hidden, intermediate, layers, 4, 4, block, 1e-5, 10000.0, true);
  }

  /**
   * Trains with AdamW (weight decay 0.1, not on norms and embeddings) and the given schedule;
   * validation every {@code steps/5} on 8 held-out batches.
   */
  public static TrainResult train(LlamaModel model, Data data, long steps, int batch, int block,
      double lr, LrSchedule schedule, long seed, Path outDir) {
    return train(model, data, steps, batch, block, lr, schedule, seed, outDir, null);
  }

  /** As above, with {@code afterStep} (may be null) run after every update, e.g. a probe at chosen steps. */
  public static TrainResult train(LlamaModel model, Data data, long steps, int batch, int block,
      double lr, LrSchedule schedule, long seed, Path outDir, Trainer.AfterStep afterStep) {
    TrainConfig cfg = TrainConfig.of(steps, batch, lr, seed, outDir).withEval(Math.max(1, steps / 5), 8)
        .withCheckpointEvery(steps);
    AdamW opt = new AdamW(model.namedParameters(), AdamConfig.llama(lr), WeightDecay.EXCLUDE_NORMS_BIASES_EMBEDDINGS);
    Trainer trainer = new Trainer(cfg, model, opt, trainData(data, batch, block, seed));
    if (schedule != null) trainer.schedule(schedule);
    if (afterStep != null) trainer.afterStep(afterStep);
    return trainer.run(false);
  }

  static TrainData trainData(Data data, int batch, int block, long seed) {
    TokenBatcher train = new TokenBatcher(data.train(), batch, block, seed);
    List<Batch> val = data.windows(block, 0, 8 * batch, batch);
    return new TrainData() {
      @Override
      public Batch train(long step) {
        return train.batch(step);
      }

      @Override
      public Batch validation(int i) {
        return val.get(i);
      }

      @Override
      public int validationBatches() {
        return val.size();
      }
    };
  }

  /** exp(mean next-token cross entropy) over the given batches, without autograd. */
  public static double perplexity(LlamaModel model, List<Batch> batches) {
    double sum = 0;
    long n = 0;
    try (NoGradGuard g = new NoGradGuard()) {
      for (Batch b : batches) {
        try (PointerScope scope = new PointerScope()) {
          long tokens = b.targets().numel();
          sum += model.loss(b.inputs(), b.targets()).item_double() * tokens;
          n += tokens;
        }
      }
    }
    return Math.exp(sum / n);
  }

  /** The inputs of {@code batches}, for calibration passes. */
  public static List<Tensor> inputs(List<Batch> batches) {
    List<Tensor> out = new ArrayList<>();
    for (Batch b : batches) out.add(b.inputs());
    return out;
  }
}
