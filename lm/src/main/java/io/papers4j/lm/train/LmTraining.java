package io.papers4j.lm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.SaveDtype;
import io.papers4j.core.io.ConfigJson;
import io.papers4j.core.io.Safetensors;
import io.papers4j.core.nn.pos.RopeConfig;
import io.papers4j.core.nn.pos.RopeParameters;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.Optimizer;
import io.papers4j.core.optim.OptimizerFactory;
import io.papers4j.core.optim.WeightDecay;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.train.PeakRss;
import io.papers4j.core.train.TrainCheckpoint;
import io.papers4j.core.train.TrainConfig;
import io.papers4j.core.train.TrainResult;
import io.papers4j.core.train.TrainData;
import io.papers4j.core.train.Trainer;
import io.papers4j.lm.train.LmTrainOptions.RopeChoice;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
   * Trains as {@code o} says: a fresh model of {@code o.preset()}, or the weights of {@code
   * o.initFrom()} (shape and tokenizer from that directory; the position encoding is {@code o.rope()}
   * or, when null, the one in its config.json, with {@code o.ropeTheta()} replacing θ when given), so
   * a RoPE-pretrained model can be fine-tuned with YaRN as in Resonance RoPE App. C.2 or continued at
   * a longer length with a raised base as Yi's long-context recipe. With {@code --resume} and a
   * checkpoint in {@code out}, the checkpoint wins.
   */
  public static Run train(LmTrainOptions o) {
    Engine.init();
    OptimizerFactory<LlamaModel> choice = o.optimizer();
    RopeChoice rope = o.rope();
    Path initFrom = o.initFrom();
    if (choice != null && choice.updatesInsideBackward() && o.clip() > 0) {
      throw new IllegalArgumentException(
          "--per-layer updates each weight inside backward, so gradients cannot be clipped: pass --clip 0");
    }
    Path out = o.out();
    Optional<Path> ckpt = o.resume() ? TrainCheckpoint.latest(out) : Optional.empty();
    Path init = ckpt.isPresent() ? null : initFrom;
    if (init != null && !Files.exists(init.resolve(Checkpoint.CONFIG)))
      throw new IllegalArgumentException("--init-from " + init + " is not a model directory (no config.json)");
    if (initFrom != null && o.shape() != null && !o.shape().isPreset())
      throw new IllegalArgumentException("--layers, --hidden and --intermediate size a fresh model; --init-from keeps "
          + initFrom + "'s shape");

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
            ? withTheta(withRope(LlamaCheckpoint.readConfig(init), rope, o.seq()), o.ropeTheta(), o.seq())
            : withRope(withTheta(withWindow(withShape(modelConfig(o.preset(), tokens.tokenizer().vocabSize(), o.seq()),
                o.shape()), o.slidingWindow()), o.ropeTheta(), o.seq()), rope, o.seq());
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
    // a resumed --init-from run keeps naming its source: the checkpoint's record says where it began
    Path source = init != null ? init : ckpt.map(LmTraining::recordedInit).orElse(null);
    System.err.printf("model: %s, %,d parameters%n", describeModel(config, o.preset(), source), config.parameterCount());

    Optimizer opt;
    if (choice == null) {
      opt = new AdamW(model.namedParameters(),
          new AdamConfig(o.lr(), 0.9, 0.95, 1e-8, o.weightDecay()), WeightDecay.EXCLUDE_NORMS_BIASES_EMBEDDINGS);
    } else {
      opt = choice.create(model); // LoRA / W = BA change the model's tensors first
      System.err.printf("optimizer: %s, state %.3f MB%n", choice.describe(), opt.stateBytes() / 1048576.0);
    }
    TrainConfig tc = TrainConfig.builder(o.steps(), o.batch(), o.lr(), o.seed(), out).optWarmup(o.resolvedWarmup())
        .optMinLrRatio(o.minLrRatio()).optClip(o.clip()).optEval(o.resolvedEvalEvery(), o.evalBatches())
        .optCheckpointEvery(o.resolvedCheckpointEvery()).build();
    // a fresh or resumed model records its shape when it is not the preset's; --init-from records its source
    Map<String, Object> runConfig = source == null ? recordShape(describe(o), config, o.preset()) : recordInit(describe(o), config);
    if (choice != null) runConfig.put("optimizer", choice.describe());
    if (source != null) runConfig.put("init_from", source.toString());
    if (config.window() > 0) runConfig.put("sliding_window", config.window());
    runConfig.put("precision", o.precision().id());
    runConfig.put("save_dtype", o.saveDtype().id());
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + out, e);
    }
    tokens.tokenizer().save(out.resolve(TOKENIZER));
    Trainer trainer = new Trainer(tc, model, opt, data(o, tokens));
    if (o.probe() != null) trainer.afterStep(o.probe().start(model, tokens, out));
    TrainResult result =
        trainer
            .info(Map.of("run", runConfig))
            .timeBudget(o.timeBudgetS())
            .precision(o.precision())
            // every checkpoint is also a model directory that lm eval/generate can open
            .extraFiles((dir, step) -> writeModelFiles(dir, model, tokens, runConfig, step, false, SaveDtype.F32))
            .run(o.resume());
    writeModelFiles(out, model, tokens, runConfig, result.steps(), true, o.saveDtype());
    System.err.printf("optimizer state %.3f MB, peak RSS %.0f MB%n", opt.stateBytes() / 1048576.0,
        PeakRss.bytes() / 1048576.0);
    return new Run(model, tokens, result, out);
  }

  /** The {@code init_from} a checkpoint's run record names, or null (a fresh run, or no record). */
  static Path recordedInit(Path checkpoint) {
    Object config = Checkpoint.readRunInfo(checkpoint).get("config");
    Object from = config instanceof Map<?, ?> m ? m.get("init_from") : null;
    return from == null ? null : Path.of(from.toString());
  }

  /** {@code c} with the rope variant {@code rope} for training length {@code seq} (null: unchanged). */
  static LlamaConfig withRope(LlamaConfig c, RopeChoice rope, int seq) {
    if (rope == null) return c;
    RopeConfig rc = RopeConfig.named(rope.name(), c.headDim(), c.ropeTheta(), rope.factor(), seq);
    Object[] rp = rc.toRopeParameters(c.maxPositionEmbeddings());
    System.err.printf("rope: %s (factor %.3g, trained length %d)%n", rc.name(), rc.factor(), seq);
    return c.withRope((RopeParameters) rp[0]).withMaxPositionEmbeddings((Integer) rp[1]);
  }

  /**
   * {@code c} with the layers, width and MLP width of {@code s} where they are not 0 (null: unchanged);
   * the heads stay, so the head width is the new width over them.
   */
  static LlamaConfig withShape(LlamaConfig c, LmTrainOptions.Shape s) {
    if (s == null || s.isPreset()) return c;
    int hidden = s.hidden() > 0 ? s.hidden() : c.hiddenSize();
    int heads = c.numAttentionHeads();
    if (hidden % heads != 0 || (hidden / heads) % 2 != 0) {
      throw new IllegalArgumentException("--hidden " + hidden + " must be a multiple of 2 x the preset's " + heads
          + " heads (an even head width for RoPE)");
    }
    return c.toBuilder().numHiddenLayers(s.layers() > 0 ? s.layers() : c.numHiddenLayers()).hiddenSize(hidden)
        .intermediateSize(s.intermediate() > 0 ? s.intermediate() : c.intermediateSize()).headDim(null).build();
  }

  /** {@code c} with a sliding attention window of {@code w} tokens (null: unchanged; 0: full attention). */
  static LlamaConfig withWindow(LlamaConfig c, Integer w) {
    return w == null ? c : c.withSlidingWindow(w);
  }

  /** The preset's shape with the tokenizer's vocabulary and a context that holds {@code seq}. */
  static LlamaConfig modelConfig(String preset, int vocab, int seq) {
    LlamaConfig p = LlamaConfig.preset(preset);
    return p.toBuilder().vocabSize(vocab).maxPositionEmbeddings(Math.max(p.maxPositionEmbeddings(), seq))
        .bosTokenId(null).eosTokenId(List.of()).padTokenId(null) // our BPE has no special tokens: no BOS/EOS ids
        .torchDtype("float32").build();
  }

  /**
   * config.json, model.safetensors, papers4j.json and tokenizer.json into {@code dir}. For the
   * final model each file is replaced atomically on its own (the directory also holds the log and
   * checkpoints, so it is not swapped as a whole). The weights are written in {@code dtype}, the
   * model's float32 parameters are left as they are.
   */
  static void writeModelFiles(Path dir, LlamaModel model, CorpusTokens tokens, Map<String, Object> runConfig,
      long step, boolean fin, SaveDtype dtype) throws UncheckedIOException {
    Safetensors.write(dir.resolve(Checkpoint.WEIGHTS), dtype.cast(model.namedParameters()), Map.of("format", "pt"));
    model.config().withTorchDtype(dtype.torchDtype()).write(dir.resolve(Checkpoint.CONFIG));
    Map<String, Object> info = Checkpoint.runInfo(runConfig, ((Number) runConfig.get("seed")).longValue(),
        tokens.corpus(), step);
    try {
      AtomicFiles.writeString(dir.resolve(Checkpoint.PAPERS4J), JSON.writeValueAsString(info) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!fin) tokens.tokenizer().save(dir.resolve(TOKENIZER));
  }

  /** The corpus windows, wrapped by {@code o.dataWrapper()} when one is given. */
  static TrainData data(LmTrainOptions o, CorpusTokens tokens) {
    TrainData d = new TokenTrainData(tokens.train(), tokens.validation(), o.batch(), o.seq(), o.seed());
    return o.dataWrapper() == null ? d : o.dataWrapper().wrap(d, tokens);
  }

  /**
   * {@code c} with RoPE base {@code theta} (null: unchanged); the context grows to hold {@code seq},
   * as Yi's long-context configs keep θ and raise max_position_embeddings.
   */
  static LlamaConfig withTheta(LlamaConfig c, Double theta, int seq) {
    if (theta == null) return c;
    System.err.printf("rope: theta %.6g (was %.6g), context %d%n", theta, c.ropeTheta(), Math.max(seq, c.maxPositionEmbeddings()));
    return c.withRopeTheta(theta).withMaxPositionEmbeddings(Math.max(seq, c.maxPositionEmbeddings()));
  }

  /**
   * The run record with what was trained: {@code preset} as it is when {@code trained} has the
   * preset's shape; otherwise (--layers/--hidden/--intermediate now or in the run a resume continues)
   * {@code base_preset} in its place and {@code shape} with the trained layers, widths and heads.
   */
  static Map<String, Object> recordShape(Map<String, Object> runConfig, LlamaConfig trained, String preset) {
    if (sameShape(trained, LlamaConfig.preset(preset))) return runConfig;
    Map<String, Object> m = new LinkedHashMap<>();
    runConfig.forEach((k, v) -> m.put(k.equals("preset") ? "base_preset" : k, v));
    m.put("shape", shape(trained));
    return m;
  }

  /**
   * The run record of an {@code --init-from} run: the shape comes from the loaded model, so the
   * preset option (unused) is left out and {@code shape} says what was trained.
   */
  static Map<String, Object> recordInit(Map<String, Object> runConfig, LlamaConfig trained) {
    Map<String, Object> m = new LinkedHashMap<>(runConfig);
    m.remove("preset");
    m.put("shape", shape(trained));
    return m;
  }

  /** The line the training log opens with: the shape, and where it came from. */
  static String describeModel(LlamaConfig c, String preset, Path init) {
    LlamaConfig p = LlamaConfig.preset(preset);
    String source = init != null ? "weights of " + init
        : sameShape(c, p) ? preset + " preset" : preset + " preset resized";
    return String.format(Locale.ROOT, "%d layers, hidden %d, intermediate %d, %d heads (%s)",
        c.numHiddenLayers(), c.hiddenSize(), c.intermediateSize(), c.numAttentionHeads(), source);
  }

  private static boolean sameShape(LlamaConfig a, LlamaConfig b) {
    return a.numHiddenLayers() == b.numHiddenLayers() && a.hiddenSize() == b.hiddenSize()
        && a.intermediateSize() == b.intermediateSize() && a.numAttentionHeads() == b.numAttentionHeads();
  }

  private static Map<String, Object> shape(LlamaConfig c) {
    return Map.of("layers", c.numHiddenLayers(), "hidden", c.hiddenSize(),
        "intermediate", c.intermediateSize(), "heads", c.numAttentionHeads());
  }

  static Map<String, Object> describe(LmTrainOptions o) {
    return ConfigJson.snakeCase(o.resolved());
  }
}
