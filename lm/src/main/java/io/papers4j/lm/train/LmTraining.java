package io.papers4j.lm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.Safetensors;
import io.papers4j.core.nn.pos.RopeConfig;
import io.papers4j.core.nn.pos.RopeParameters;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.Optimizer;
import io.papers4j.core.optim.WeightDecay;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.train.PeakRss;
import io.papers4j.core.train.TrainCheckpoint;
import io.papers4j.core.train.TrainConfig;
import io.papers4j.core.train.TrainResult;
import io.papers4j.core.train.Trainer;
import io.papers4j.lm.galore.Optimizers;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.pytorch.Tensor;

/**
 * Trains a LLaMA-family model on a text corpus, the procedure behind {@code papers4j lm train} and
 * the {@code lm} reproduction, top to bottom:
 *
 * <ol>
 *   <li>tokenizer: the model directory's own on resume, a given file, or a byte-level BPE trained
 *       on the training split;
 *   <li>model: the preset with the tokenizer's vocabulary (or the checkpoint's config on resume);
 *   <li>AdamW with LLaMA's betas (0.9, 0.95), decay 0.1 on matrices only; cosine schedule with
 *       warm-up; clipping at 1.0;
 *   <li>the {@link Trainer} loop with checkpoints that are complete model directories;
 *   <li>the final model saved into {@code out} as a Hugging Face directory with tokenizer.json.
 * </ol>
 */
public final class LmTraining {
  static final String TOKENIZER = "tokenizer.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The trained model with what was used to train it. */
  public record Run(LlamaModel model, CorpusTokens tokens, TrainResult result, Path out) {}

  private LmTraining() {}

  /**
   * An optimizer of the GaLore comparison ({@link Optimizers}) instead of the default LLaMA AdamW.
   *
   * @param name one of {@link Optimizers#NAMES}
   * @param rank r of GaLore/LoRA/low-rank; 0 = hidden_size / 4 (the paper's 128/512)
   * @param updateGap T, steps between GaLore's SVD refreshes (200)
   * @param scale GaLore's α (0.25)
   * @param loraAlpha LoRA's α (32)
   * @param perLayer update each weight inside backward (needs --clip 0)
   */
  public record OptimizerChoice(
      String name, int rank, int updateGap, double scale, double loraAlpha, boolean perLayer) {}

  public static Run train(LmTrainOptions o) {
    return train(o, null);
  }

  /**
   * The position encoding of a fresh model ({@code --rope NAME --rope-factor S}): a variant of
   * {@code core.nn.pos.RopeConfig#NAMES} for a model trained at {@code --seq} positions and meant for
   * s times as many. It goes into config.json's rope block (and so into every checkpoint), from
   * which {@code LlamaModel} rebuilds the same encoding when the model is loaded.
   */
  public record RopeChoice(String name, double factor) {}

  /** As {@link #train(LmTrainOptions)} with {@code choice} (null: the default LLaMA AdamW). */
  public static Run train(LmTrainOptions o, OptimizerChoice choice) {
    return train(o, choice, null);
  }

  /** As {@link #train(LmTrainOptions, OptimizerChoice)} with a rope variant (null: the preset's). */
  public static Run train(LmTrainOptions o, OptimizerChoice choice, RopeChoice rope) {
    return train(o, choice, rope, null);
  }

  /**
   * As {@link #train(LmTrainOptions, OptimizerChoice, RopeChoice)}, starting from the weights of the
   * model directory {@code initFrom} ({@code lm train --init-from DIR}; null: a fresh model). The
   * shape and tokenizer come from that directory; the position encoding is this run's {@code rope}
   * (null: the one in its config.json), so a RoPE-pretrained model can be fine-tuned with YaRN as
   * in Resonance RoPE App. C.2. With {@code --resume} and a checkpoint in {@code out}, the
   * checkpoint wins.
   */
  public static Run train(LmTrainOptions o, OptimizerChoice choice, RopeChoice rope, Path initFrom) {
    Engine.init();
    if (choice != null) {
      Optimizers.check(choice.name());
      if (choice.perLayer() && o.clip() > 0) {
        throw new IllegalArgumentException(
            "--per-layer updates each weight inside backward, so gradients cannot be clipped: pass --clip 0");
      }
    }
    Path out = o.out();
    Optional<Path> ckpt = o.resume() ? TrainCheckpoint.latest(out) : Optional.empty();
    Path init = ckpt.isPresent() ? null : initFrom;
    if (init != null && !Files.exists(init.resolve(Checkpoint.CONFIG)))
      throw new IllegalArgumentException("--init-from " + init + " is not a model directory (no config.json)");

    BpeTokenizer tok;
    if (o.resume() && Files.exists(out.resolve(TOKENIZER))) tok = BpeTokenizer.load(out.resolve(TOKENIZER));
    else if (o.tokenizer() != null) tok = BpeTokenizer.load(o.tokenizer());
    else if (init != null && Files.exists(init.resolve(TOKENIZER))) tok = BpeTokenizer.load(init.resolve(TOKENIZER));
    else tok = null;
    CorpusTokens tokens;
    if (tok != null) {
      tokens = CorpusTokens.load(o.corpus(), tok);
    } else {
      int vocab = o.vocab() > 0 ? o.vocab() : LlamaConfig.preset(o.preset()).vocabSize();
      System.err.println("tokenizer: byte-level BPE with " + vocab + " tokens on the " + o.corpus() + " training split");
      tokens = CorpusTokens.load(o.corpus(), vocab);
    }
    System.err.printf("data: %s, %,d training and %,d validation tokens%n",
        o.corpus(), tokens.train().length, tokens.validation().length);

    LlamaConfig config = ckpt.isPresent()
        ? LlamaCheckpoint.readConfig(ckpt.get())
        : init != null
            ? withRope(LlamaCheckpoint.readConfig(init), rope, o.seq())
            : withRope(modelConfig(o.preset(), tokens.tokenizer().vocabSize(), o.seq()), rope, o.seq());
    if (config.vocabSize() != tokens.tokenizer().vocabSize()) {
      throw new IllegalArgumentException(
          "checkpoint " + ckpt.orElse(init != null ? init : out) + " has vocab_size " + config.vocabSize()
              + " but the tokenizer has " + tokens.tokenizer().vocabSize());
    }
    LlamaModel model = new LlamaModel(config, o.seed());
    if (init != null) {
      // the weights only: the encoding has no parameters, so a new rope block needs no conversion
      model.load(LlamaCheckpoint.load(init).namedParameters(), init.resolve(Checkpoint.WEIGHTS).toString());
      System.err.println("init: weights from " + init);
    }
    System.err.printf("model: %s preset, %,d parameters%n", o.preset(), config.parameterCount());

    Optimizer opt;
    if (choice == null) {
      opt = new AdamW(model.namedParameters(),
          new AdamConfig(o.lr(), 0.9, 0.95, 1e-8, o.weightDecay()), WeightDecay.EXCLUDE_NORMS_BIASES_EMBEDDINGS);
    } else {
      int rank = choice.rank() > 0 ? choice.rank() : Math.max(1, config.hiddenSize() / 4);
      Optimizers.Options go = new Optimizers.Options(o.lr(), rank, choice.updateGap(), choice.scale(),
          choice.loraAlpha(), choice.perLayer(), 2048, 4096, o.weightDecay(), config.initializerRange(), o.seed());
      Optimizers.prepareModel(choice.name(), model, go); // LoRA / W = BA change the model's tensors
      opt = Optimizers.create(choice.name(), model.namedParameters(), go);
      System.err.printf("optimizer: %s (rank %d, T %d, alpha %.3g%s), state %.3f MB%n", choice.name(), rank,
          choice.updateGap(), choice.scale(), choice.perLayer() ? ", per-layer" : "", opt.stateBytes() / 1048576.0);
    }
    TrainConfig tc = new TrainConfig(o.steps(), o.batch(), o.lr(), o.resolvedWarmup(), o.minLrRatio(), o.clip(),
        o.resolvedEvalEvery(), o.evalBatches(), o.resolvedCheckpointEvery(), 2, o.seed(), out);
    Map<String, Object> runConfig = describe(o);
    if (choice != null) runConfig.put("optimizer", describe(choice));
    if (init != null) runConfig.put("init_from", init.toString());
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + out, e);
    }
    tokens.tokenizer().save(out.resolve(TOKENIZER));
    TrainResult result =
        new Trainer(tc, model, opt, new TokenTrainData(tokens.train(), tokens.validation(), o.batch(), o.seq(), o.seed()))
            .info(Map.of("run", runConfig))
            .timeBudget(o.timeBudgetS())
            // every checkpoint is also a model directory that lm eval/generate can open
            .extraFiles((dir, step) -> writeModelFiles(dir, model, tokens, runConfig, step, false))
            .run(o.resume());
    writeModelFiles(out, model, tokens, runConfig, result.steps(), true);
    System.err.printf("optimizer state %.3f MB, peak RSS %.0f MB%n", opt.stateBytes() / 1048576.0,
        PeakRss.bytes() / 1048576.0);
    return new Run(model, tokens, result, out);
  }

  /** {@code c} with the rope variant {@code rope} for training length {@code seq} (null: unchanged). */
  static LlamaConfig withRope(LlamaConfig c, RopeChoice rope, int seq) {
    if (rope == null) return c;
    RopeConfig rc = RopeConfig.named(rope.name(), c.headDim(), c.ropeTheta(), rope.factor(), seq);
    Object[] rp = rc.toRopeParameters(c.maxPositionEmbeddings());
    System.err.printf("rope: %s (factor %.3g, trained length %d)%n", rc.name(), rc.factor(), seq);
    return c.withRope((RopeParameters) rp[0]).withMaxPositionEmbeddings((Integer) rp[1]);
  }

  /** The preset's shape with the tokenizer's vocabulary and a context that holds {@code seq}. */
  static LlamaConfig modelConfig(String preset, int vocab, int seq) {
    LlamaConfig p = LlamaConfig.preset(preset);
    LlamaConfig c = new LlamaConfig(p.modelType(), vocab, p.hiddenSize(), p.intermediateSize(), p.numHiddenLayers(),
        p.numAttentionHeads(), p.numKeyValueHeads(), p.headDim(), Math.max(p.maxPositionEmbeddings(), seq),
        p.rmsNormEps(), p.rope(), p.tieWordEmbeddings(), p.slidingWindow(), p.attentionBias(), p.mlpBias(),
        p.hiddenAct(), p.initializerRange(),
        null, List.of(), null, // our BPE has no special tokens: no BOS/EOS ids
        "float32");
    return c;
  }

  /**
   * config.json, model.safetensors, papers4j.json and tokenizer.json into {@code dir}. For the
   * final model each file is replaced atomically on its own (the directory also holds the log and
   * checkpoints, so it is not swapped as a whole).
   */
  static void writeModelFiles(Path dir, LlamaModel model, CorpusTokens tokens, Map<String, Object> runConfig,
      long step, boolean fin) throws UncheckedIOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    model.namedParameters().forEach((k, v) -> tensors.put(k, v.detach()));
    Safetensors.write(dir.resolve(Checkpoint.WEIGHTS), tensors, Map.of("format", "pt"));
    model.config().toHf().write(dir.resolve(Checkpoint.CONFIG));
    Map<String, Object> info = Checkpoint.runInfo(runConfig, ((Number) runConfig.get("seed")).longValue(),
        tokens.corpus(), step);
    try {
      AtomicFiles.writeString(dir.resolve(Checkpoint.PAPERS4J), JSON.writeValueAsString(info) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!fin) tokens.tokenizer().save(dir.resolve(TOKENIZER));
  }

  static Map<String, Object> describe(OptimizerChoice c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("rank", c.rank());
    m.put("update_proj_gap", c.updateGap());
    m.put("galore_scale", c.scale());
    m.put("lora_alpha", c.loraAlpha());
    m.put("per_layer", c.perLayer());
    return m;
  }

  static Map<String, Object> describe(LmTrainOptions o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("preset", o.preset());
    m.put("corpus", o.corpus());
    m.put("steps", o.steps());
    m.put("batch", o.batch());
    m.put("seq", o.seq());
    m.put("lr", o.lr());
    m.put("warmup", o.resolvedWarmup());
    m.put("min_lr_ratio", o.minLrRatio());
    m.put("clip", o.clip());
    m.put("weight_decay", o.weightDecay());
    m.put("betas", List.of(0.9, 0.95));
    m.put("eval_every", o.resolvedEvalEvery());
    m.put("eval_batches", o.evalBatches());
    m.put("checkpoint_every", o.resolvedCheckpointEvery());
    m.put("seed", o.seed());
    return m;
  }
}
