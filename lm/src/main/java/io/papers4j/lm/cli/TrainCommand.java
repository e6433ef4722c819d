package io.papers4j.lm.cli;

import io.papers4j.lm.galore.Optimizers;
import io.papers4j.lm.train.LmEval;
import io.papers4j.lm.train.LmTrainOptions;
import io.papers4j.lm.train.TokenMixture;
import io.papers4j.lm.train.LmTraining;
import io.papers4j.lm.train.UnigramBaseline;
import io.papers4j.lm.yi.CopyYardstick;
import io.papers4j.lm.yi.Passkey;
import io.papers4j.lm.yi.PasskeyTrainData;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.cli.SaveDtypeOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code papers4j lm train --preset tiny --corpus kjv --steps N --out DIR [--resume]}. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a LLaMA-family model from scratch on a corpus; resumable.",
      "Writes DIR/config.json, model.safetensors, tokenizer.json (a byte-level BPE trained on the training",
      "split unless --tokenizer is given), papers4j.json, log.jsonl and checkpoint-NNNNNN/ directories."
    })
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--preset", defaultValue = "tiny", description = "Model shape: tiny (~1M), small (~10M), ... (default ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--corpus", defaultValue = "kjv", description = "Corpus name (default ${DEFAULT-VALUE}).")
  String corpus;

  @Option(names = "--steps", required = true, description = "Optimizer steps.")
  long steps;

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--resume", description = "Continue from the newest checkpoint in --out.")
  boolean resume;

  @Option(names = "--layers", defaultValue = "0", description = "Layers of a fresh model; 0 = the preset's (default ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--hidden", defaultValue = "0", description = {
      "Width C of a fresh model, a multiple of 2 x the preset's heads; 0 = the preset's (default ${DEFAULT-VALUE})."})
  int hidden;

  @Option(names = "--intermediate", defaultValue = "0", description = "MLP width of a fresh model; 0 = the preset's (default ${DEFAULT-VALUE}).")
  int intermediate;

  @Option(names = "--tokenizer", description = "Use this tokenizer.json instead of training one.")
  Path tokenizer;

  @Option(names = "--vocab", defaultValue = "0", description = "BPE vocabulary size; 0 = the preset's (default ${DEFAULT-VALUE}).")
  int vocab;

  @Option(names = "--batch", defaultValue = "16", description = "Sequences per batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seq", defaultValue = "128", description = "Tokens per sequence (default ${DEFAULT-VALUE}).")
  int seq;

  @Option(names = "--lr", defaultValue = "3e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--warmup", defaultValue = "-1", description = "Warm-up steps; -1 = 5%% of steps (default ${DEFAULT-VALUE}).")
  long warmup;

  @Option(names = "--min-lr-ratio", defaultValue = "0.1", description = "Cosine floor / peak (default ${DEFAULT-VALUE}).")
  double minLrRatio;

  @Option(names = "--clip", defaultValue = "1.0", description = "Max gradient norm; 0 = off (default ${DEFAULT-VALUE}).")
  double clip;

  @Option(names = "--weight-decay", defaultValue = "0.1", description = "AdamW decay on matrices (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--eval-every", defaultValue = "0", description = "Validate every N steps; 0 = steps/10 (default ${DEFAULT-VALUE}).")
  long evalEvery;

  @Option(names = "--eval-batches", defaultValue = "8", description = "Validation batches per evaluation (default ${DEFAULT-VALUE}).")
  int evalBatches;

  @Option(names = "--checkpoint-every", defaultValue = "0", description = "Checkpoint every N steps; 0 = steps/5 (default ${DEFAULT-VALUE}).")
  long checkpointEvery;

  @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--time-budget", description = "Stop after this many seconds (with a final checkpoint).")
  Double timeBudget;

  @Option(names = "--optimizer", description = {
      "adamw|adam8bit|galore|galore8bit|lowrank|lora: the GaLore paper's HF-style AdamW family (lm.galore);",
      "adafactor|galore_adafactor: HF Adafactor without/with GaLore's projection (external lr, no beta1).",
      "--weight-decay applies to every parameter (the paper uses 0). Omitted: LLaMA AdamW."})
  String optimizer;

  @Option(names = "--rank", defaultValue = "0", description = "Rank r of galore/lora/lowrank; 0 = hidden_size/4 (default ${DEFAULT-VALUE}).")
  int rank;

  @Option(names = "--update-gap", defaultValue = "200", description = "GaLore: steps T between SVD refreshes (default ${DEFAULT-VALUE}).")
  int updateGap;

  @Option(names = "--galore-scale", defaultValue = "0.25", description = "GaLore: scale alpha of the projected update (default ${DEFAULT-VALUE}).")
  double galoreScale;

  @Option(names = "--lora-alpha", defaultValue = "32", description = "LoRA: alpha, update scaled by alpha/r (default ${DEFAULT-VALUE}).")
  double loraAlpha;

  @Option(names = "--rope", description = {
      "Position encoding of a new model: rope, linear, ntk, dynamic, yarn, resonance, resonance-linear,",
      "resonance-ntk, resonance-yarn (default: the preset's plain RoPE). Written to config.json."})
  String rope;

  @Option(names = "--rope-factor", defaultValue = "4", description = "Scale s = target/trained length for --rope (default ${DEFAULT-VALUE}).")
  double ropeFactor;

  @Option(names = "--init-from", description = {
      "Start from the weights of this model directory (its shape and tokenizer) instead of a fresh model;",
      "--rope then sets the fine-tuned encoding (e.g. YaRN on a RoPE-pretrained model), written to config.json."})
  Path initFrom;

  @Option(names = "--rope-theta", description = {
      "RoPE base theta of this run (written to config.json as rope_theta); with --init-from it replaces the",
      "loaded model's, e.g. raised for long-context continual pretraining (Yi's ABF). Default: keep."})
  Double ropeTheta;

  @Option(names = "--passkey-fraction", defaultValue = "0", description = {
      "Share of training sequences replaced by synthetic pass-key retrieval documents built from the",
      "training text (what lm needle tests), e.g. 0.2 (default ${DEFAULT-VALUE})."})
  double passkeyFraction;

  @Option(names = "--recite-fraction", defaultValue = "0", description = {
      "Further share of training sequences replaced by recitation documents: a passage of the training text",
      "holding a pass-key sentence, then the same passage again (dense copy targets; default ${DEFAULT-VALUE})."})
  double reciteFraction;

  @Option(names = "--repeat-fraction", defaultValue = "0", description = {
      "Further share of training sequences replaced by repeated random tokens: a random span of the vocabulary,",
      "16-120 tokens, repeated to the end (induction-head data; default ${DEFAULT-VALUE})."})
  double repeatFraction;

  @Option(names = "--repeat-vocab", defaultValue = "0", description = {
      "Draw the repeated-token rows from a sub-vocabulary of N ids that holds the pass-key digits' tokens",
      "(each id seen often, so copying by content forms sooner); 0 = the whole vocabulary (default ${DEFAULT-VALUE})."})
  int repeatVocab;

  @Option(names = "--repeat-span", defaultValue = "16-120", description = {
      "Copy distance of the repeated-token rows, MIN-MAX tokens, drawn per row and capped at the sequence",
      "(default ${DEFAULT-VALUE})."})
  String repeatSpan;

  @Option(names = "--yardstick-every", defaultValue = "0", description = {
      "Every N steps, log the copy yardstick (teacher-forced accuracy on the pass key's second mention, the",
      "answer digits and repeated random tokens of held-out documents) to yardstick.jsonl; 0 = off."})
  long yardstickEvery;

  @Option(names = "--data", description = {
      "Weighted corpus mixture, e.g. legal:0.98,general:0.02 (SaulLM's replay); each row of a batch picks a",
      "corpus by weight. Validation and the tokenizer come from the first. Overrides --corpus."})
  String data;

  @Option(names = "--sliding-window", description = {
      "Attention window W of a fresh model in tokens (Mistral's sliding window; written to config.json as",
      "sliding_window, model_type mistral); 0 = full causal attention. Default: the preset's."})
  Integer slidingWindow;

  @Mixin PrecisionOption precision;

  @Mixin SaveDtypeOption saveDtype;

  @Option(names = "--per-layer", description = "Update each weight inside backward, freeing its gradient (needs --clip 0; no accumulation).")
  boolean perLayer;

  private TokenMixture mixture(java.util.List<TokenMixture.Part> parts, io.papers4j.core.train.TrainData text,
      io.papers4j.lm.train.CorpusTokens tokens) {
    java.util.List<int[]> sources = new java.util.ArrayList<>();
    double[] w = new double[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      sources.add(i == 0 ? tokens.train() : io.papers4j.lm.train.CorpusTokens.load(parts.get(i).name(), tokens.tokenizer()).train());
      w[i] = parts.get(i).weight();
    }
    return new TokenMixture(sources, w, text, batch, seq, seed);
  }

  /** MIN-MAX of --repeat-span. */
  static int[] span(String s) {
    String[] p = s.split("-");
    try {
      if (p.length == 2) return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--repeat-span must be MIN-MAX, e.g. 8-32; got '" + s + "'");
  }

  @Override
  public Integer call() {
    if (optimizer == null && perLayer) throw new IllegalArgumentException("--per-layer needs --optimizer");
    io.papers4j.lm.saullm.SaulCorpora.register();
    java.util.List<TokenMixture.Part> parts = data == null ? null : TokenMixture.parse(data);
    boolean synthetic = passkeyFraction > 0 || reciteFraction > 0 || repeatFraction > 0;
    int[] copySpan = span(repeatSpan); // read before the tokenizer and data are built
    if (parts != null && synthetic) {
      throw new IllegalArgumentException("--data does not combine with --passkey-fraction, --recite-fraction or --repeat-fraction");
    }
    LmTrainOptions o = LmTrainOptions.builder(preset, steps, out)
        .optCorpus(parts == null ? corpus : parts.get(0).name()).optVocab(vocab).optTokenizer(tokenizer).optBatch(batch).optSeq(seq).optLr(lr)
        .optWarmup(warmup).optMinLrRatio(minLrRatio).optClip(clip).optWeightDecay(weightDecay)
        .optEvalEvery(evalEvery).optEvalBatches(evalBatches).optCheckpointEvery(checkpointEvery).optSeed(seed)
        .optResume(resume).optTimeBudgetS(timeBudget == null ? Double.POSITIVE_INFINITY : timeBudget)
        .optOptimizer(optimizer == null ? null
            : Optimizers.factory(optimizer, rank, updateGap, galoreScale, loraAlpha, perLayer, lr, weightDecay, seed))
        .optRope(rope == null ? null : new LmTrainOptions.RopeChoice(rope, ropeFactor))
        .optInitFrom(initFrom)
        .optRopeTheta(ropeTheta)
        .optSlidingWindow(slidingWindow)
        .optShape(new LmTrainOptions.Shape(layers, hidden, intermediate))
        .optPrecision(precision.get())
        .optSaveDtype(saveDtype.get())
        // repeat_train scores repeated tokens drawn as this run's rows: the pool of PasskeyTrainData, its distances
        .optProbe(yardstickEvery > 0 ? CopyYardstick.probe(seq, yardstickEvery, 32, seed + 1,
            new CopyYardstick.RepeatRows(repeatVocab, seed, copySpan[0], copySpan[1])) : null)
        .optDataWrapper(synthetic
            ? (text, tokens) -> new PasskeyTrainData(text, tokens.train(), new Passkey(tokens.tokenizer()), passkeyFraction,
                reciteFraction, repeatFraction, repeatVocab, copySpan[0], copySpan[1], seed)
            : parts != null ? (text, tokens) -> mixture(parts, text, tokens) : null)
        .build();
    LmTraining.Run run = LmTraining.train(o);
    LmEval.Score s;
    try (var cast = precision.autocast()) {
      s = LmEval.score(run.model(), run.tokens().validation(), batch, seq);
    }
    double unigram = UnigramBaseline.perplexity(run.tokens().train(), run.tokens().validation(),
        run.tokens().tokenizer().vocabSize());
    PrintWriter w = spec.commandLine().getOut();
    w.printf(java.util.Locale.ROOT,
        "trained %d steps in %.0f s (%.0f tokens/s); validation loss %.4f, perplexity %.2f (unigram %.2f) -> %s%n",
        run.result().steps(), run.result().seconds(), run.result().itemsPerSecond(), s.loss(), s.perplexity(),
        unigram, out);
    w.flush();
    return 0;
  }
}
