package io.papers4j.lm.saullm;

import io.papers4j.core.io.SaveDtype;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.data.Corpora;
import io.papers4j.core.data.TextCorpus;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.train.LmTrainOptions;
import io.papers4j.lm.train.LmTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * SaulLM's instruction fine-tuning (§3.2) at small scale, top to bottom:
 *
 * <ol>
 *   <li>legal instructions from the training side of the legal corpus ({@link LegalTasks}: licence
 *       facts from the SPDX metadata, holders / years / licence from the copyright files); held-out
 *       documents are never read here;
 *   <li>generic instructions from the general corpus ({@link GenericInstructions}), {@code
 *       genericRatio} of them per legal instruction (one stage, mixed, as the paper);
 *   <li>every 20th example (by instruction hash) is kept for validation;
 *   <li>training through the ordinary {@code lm train} path ({@link LmTraining} with {@code
 *       --init-from MODEL}): the same loop, schedule, checkpoints and model files; only the batches
 *       differ ({@link InstructData}: packed chat-template examples, loss on answers only).
 * </ol>
 */
public final class InstructTuning {
  /** The corpus name under which the rendered examples are registered (tokenizer statistics, reports). */
  public static final String CORPUS = "saullm-instruct";

  /**
   * @param model the model to tune (a directory written by lm train)
   * @param out output directory (a model directory, like lm train's)
   * @param steps optimizer updates
   * @param batch rows per batch (each packs several examples)
   * @param seq tokens per row, T (at most the model's context); 0 = min(256, context)
   * @param lr peak learning rate (1e-3: a fine-tuning rate for a ~1M model, 1/3 of pretraining's)
   * @param genericRatio generic instructions per legal one (1.0)
   * @param seed example mix and batches
   * @param resume continue from out's newest checkpoint
   */
  public record Options(Path model, Path out, long steps, int batch, int seq, double lr, double genericRatio, long seed,
      boolean resume) {
    public Options {
      if (model == null || out == null) throw new IllegalArgumentException("--model and --out are required");
      if (steps < 1 || batch < 1 || seq < 0) throw new IllegalArgumentException("--steps and --batch must be >= 1, --seq >= 0");
      if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0");
      if (!(genericRatio >= 0)) throw new IllegalArgumentException("--generic-ratio must be >= 0");
    }
  }

  /** The examples of one run: training and validation, and how many were legal. */
  public record Mix(List<LegalTasks.Example> train, List<LegalTasks.Example> validation, int legal, int generic) {}

  private InstructTuning() {}

  /** Legal examples from the corpus' training documents mixed with generic ones. */
  public static Mix mix(Path corpusDir, double genericRatio, long seed) {
    List<LegalTasks.Example> legal = LegalTasks.build(LegalCorpus.read(corpusDir, false));
    List<String> general;
    try {
      general = Files.readAllLines(corpusDir.resolve("general").resolve("train.txt"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read the general corpus in " + corpusDir + ": " + e.getMessage(), e);
    }
    List<String> shuffled = new ArrayList<>(general);
    java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
    List<LegalTasks.Example> generic =
        GenericInstructions.build(shuffled, (int) Math.round(genericRatio * legal.size()), seed);
    List<LegalTasks.Example> all = new ArrayList<>(legal);
    all.addAll(generic);
    java.util.Collections.shuffle(all, new java.util.Random(seed + 1));
    List<LegalTasks.Example> tr = new ArrayList<>();
    List<LegalTasks.Example> va = new ArrayList<>();
    for (LegalTasks.Example e : all) (Math.floorMod(e.instruction().hashCode(), 20) == 0 ? va : tr).add(e);
    return new Mix(tr, va, legal.size(), generic.size());
  }

  /** Fine-tunes {@code o.model()} into {@code o.out()} on the mix built from {@code corpusDir}. */
  public static LmTraining.Run train(Options o, Path corpusDir) {
    return train(o, corpusDir, Precision.F32, SaveDtype.F32);
  }

  /** {@link #train(Options, Path)} with the forward passes in {@code precision}, the model saved in {@code saveDtype}. */
  public static LmTraining.Run train(Options o, Path corpusDir, Precision precision, SaveDtype saveDtype) {
    if (!Files.isRegularFile(o.model().resolve("config.json"))) {
      throw new IllegalArgumentException("--model " + o.model() + " is not a model directory (no config.json)");
    }
    int context = LlamaCheckpoint.readConfig(o.model()).maxPositionEmbeddings();
    int seq = o.seq() > 0 ? o.seq() : Math.min(256, context);
    if (seq > context) throw new IllegalArgumentException("--seq " + seq + " exceeds the model's context of " + context);
    Mix mix = mix(corpusDir, o.genericRatio(), o.seed());
    System.err.printf("instructions: %d legal + %d generic; %d train, %d validation%n", mix.legal(), mix.generic(),
        mix.train().size(), mix.validation().size());
    Corpora.register(CORPUS, () -> TextCorpus.of(CORPUS, "SaulLM instruction examples (legal + generic, training side)",
        mix.train().stream().map(e -> InstructTemplate.prompt(e.instruction()) + " " + e.answer()).toList()));
    LmTrainOptions opts = LmTrainOptions.builder("tiny", o.steps(), o.out())
        .optCorpus(CORPUS).optBatch(o.batch()).optSeq(seq).optLr(o.lr()).optSeed(o.seed()).optResume(o.resume())
        .optInitFrom(o.model()).optEvalBatches(4).optPrecision(precision).optSaveDtype(saveDtype)
        .optDataWrapper((text, tokens) -> {
          InstructData d = new InstructData(tokens.tokenizer(), mix.train(), mix.validation(), o.batch(), seq, o.seed());
          System.err.printf("instruction rows: %d training examples fit in %d tokens, %d dropped as too long%n",
              d.trainExamples(), seq + 1, d.dropped());
          return d;
        })
        .build();
    return LmTraining.train(opts);
  }
}
