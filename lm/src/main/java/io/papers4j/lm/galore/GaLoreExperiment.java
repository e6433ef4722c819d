package io.papers4j.lm.galore;

import io.papers4j.core.optim.Optimizer;
import io.papers4j.core.train.LossLog;
import io.papers4j.core.train.PeakRss;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.core.train.TrainConfig;
import io.papers4j.core.train.TrainData;
import io.papers4j.core.train.TrainResult;
import io.papers4j.core.train.Trainer;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * One run per method on the same model, data and token budget: the GaLore comparison of paper
 * Table 2 at tiny scale. Every run starts from the same seeded initialisation and sees the same
 * batches (training batch i of {@code lm.train.TokenTrainData} is a function of the seed and i;
 * validation uses the first {@code evalBatches} non-overlapping windows).
 */
public final class GaLoreExperiment {
  private GaLoreExperiment() {}

  /**
   * One method of the comparison.
   *
   * @param label name in tables and plots (e.g. {@code galore}, {@code galore_T10})
   * @param optimizer one of {@link Optimizers#NAMES}
   * @param lr peak learning rate
   * @param updateGap T for GaLore
   */
  public record Method(String label, String optimizer, double lr, int updateGap) {}

  /**
   * A preset of the reproduction.
   *
   * @param name quick or full
   * @param steps optimizer steps per method (the same token budget for all)
   * @param batch sequences per step
   * @param seqLen tokens per sequence
   * @param evalEvery validation every this many steps
   * @param evalBatches validation batches per evaluation
   * @param rank r of GaLore, LoRA and low-rank (d/4 as the paper's 128/512)
   * @param galoreScale α (0.25)
   * @param methods the runs
   */
  public record Preset(
      String name, int steps, int batch, int seqLen, int evalEvery, int evalBatches, int rank,
      double galoreScale, List<Method> methods) {}

  /** The outcome of one method. */
  public record Run(
      Method method,
      TrainResult result,
      long trainableParams,
      long stateBytes,
      long formulaBytes,
      List<GaLoreAdamW.GroupState> groups,
      long peakRssBytes,
      double seconds) {
    public double valPerplexity() {
      return result.finalValPerplexity();
    }

    public List<LossLog.EvalPoint> curve() {
      return result.eval();
    }
  }

  /** Trains one method from scratch and measures it. */
  public static Run run(Method m, Preset p, LlamaConfig config, TrainData data, long seed, Path outDir) {
    LlamaModel model = new LlamaModel(config, seed);
    Optimizers.Options o = Optimizers.Options.defaults(m.lr(), p.rank())
        .withUpdateGap(m.updateGap()).withScale(p.galoreScale());
    Optimizers.prepareModel(m.optimizer(), model, o);
    Map<String, Tensor> params = model.namedParameters();
    Optimizer opt = Optimizers.create(m.optimizer(), params, o);
    long trainable = 0;
    for (Tensor t : params.values()) if (t.requires_grad()) trainable += t.numel();
    // the paper's schedule: 10% linear warm-up, cosine to 10% of the peak; no clipping (GaLore's
    // 60M-1B scripts do not clip, and per-layer updates cannot)
    TrainConfig tc = new TrainConfig(p.steps(), p.batch(), m.lr(), p.steps() / 10, 0.1, 0.0,
        p.evalEvery(), p.evalBatches(), p.steps(), 1, seed, outDir.resolve(m.label()));
    PeakRss.reset();
    long t0 = System.nanoTime();
    System.err.printf("galore: method %s (%s, lr %g, r %d, T %d)%n", m.label(), m.optimizer(), m.lr(),
        p.rank(), m.updateGap());
    TrainResult r = new Trainer(tc, model, opt, data).progress(ProgressBar.detectMode()).run(false);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long peak = PeakRss.bytes();
    return new Run(m, r, trainable, opt.stateBytes(), MemoryFormula.stateBytes(m.optimizer(), params, o),
        Optimizers.breakdown(opt), peak, seconds);
  }

  /** Runs every method of the preset in order. */
  public static List<Run> runAll(Preset p, LlamaConfig config, TrainData data, long seed, Path outDir) {
    List<Run> runs = new ArrayList<>();
    for (Method m : p.methods()) runs.add(run(m, p, config, data, seed, outDir));
    return runs;
  }
}
