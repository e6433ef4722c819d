package io.papers4j.lm.train;

import java.nio.file.Path;

/**
 * Everything {@code papers4j lm train} needs, with the defaults of the {@code tiny} preset on 2
 * CPU cores.
 *
 * @param preset model shape from {@code LlamaConfig.preset} ("tiny" ≈ 1M parameters, "small" ≈ 10M)
 * @param corpus corpus name ("kjv")
 * @param vocab BPE vocabulary size; 0 = the preset's vocab_size (2048 for tiny)
 * @param tokenizer an existing tokenizer.json to use instead of training one (null: train on the
 *     training split)
 * @param steps optimizer updates
 * @param batch sequences per batch (16: 2,048 tokens per step at T = 128)
 * @param seq tokens per sequence, T
 * @param lr peak learning rate (3e-3 suits a ~1M model; LLaMA-7B used 3e-4)
 * @param warmup warm-up steps (default 5% of steps when negative)
 * @param minLrRatio cosine floor (0.1, LLaMA)
 * @param clip max gradient norm (1.0, LLaMA)
 * @param weightDecay AdamW decay on matrices (0.1, LLaMA); norms and embeddings are not decayed
 * @param evalEvery validation every N steps (0: steps / 10)
 * @param evalBatches validation batches per evaluation during training (the final one uses all)
 * @param checkpointEvery checkpoint every N steps (0: steps / 5)
 * @param seed model init, batches and split of the run
 * @param out output directory: the final model (config.json, model.safetensors, tokenizer.json),
 *     log.jsonl and checkpoint-NNNNNN/ directories
 * @param resume continue from the newest checkpoint in {@code out}
 * @param timeBudgetS stop after this much wall time (infinite by default)
 */
public record LmTrainOptions(
    String preset,
    String corpus,
    int vocab,
    Path tokenizer,
    long steps,
    int batch,
    int seq,
    double lr,
    long warmup,
    double minLrRatio,
    double clip,
    double weightDecay,
    long evalEvery,
    int evalBatches,
    long checkpointEvery,
    long seed,
    Path out,
    boolean resume,
    double timeBudgetS) {

  public LmTrainOptions {
    if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
    if (batch < 1 || seq < 2) throw new IllegalArgumentException("--batch must be >= 1 and --seq >= 2");
    if (out == null) throw new IllegalArgumentException("--out is required");
  }

  /** Defaults for {@code preset} writing to {@code out}. */
  public static LmTrainOptions defaults(String preset, long steps, Path out) {
    return new LmTrainOptions(preset, "kjv", 0, null, steps, 16, 128, 3e-3, -1, 0.1, 1.0, 0.1, 0, 8, 0, 0, out,
        false, Double.POSITIVE_INFINITY);
  }

  public long resolvedWarmup() {
    return warmup >= 0 ? Math.min(warmup, steps) : steps / 20;
  }

  public long resolvedEvalEvery() {
    return evalEvery > 0 ? evalEvery : Math.max(1, steps / 10);
  }

  public long resolvedCheckpointEvery() {
    return checkpointEvery > 0 ? checkpointEvery : Math.max(1, steps / 5);
  }

  public LmTrainOptions withTimeBudget(double s) {
    return new LmTrainOptions(preset, corpus, vocab, tokenizer, steps, batch, seq, lr, warmup, minLrRatio, clip,
        weightDecay, evalEvery, evalBatches, checkpointEvery, seed, out, resume, s);
  }
}
