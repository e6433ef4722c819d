package io.papers4j.lm.cli;

import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.cli.SaveDtypeOption;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.saullm.GeneralCorpus;
import io.papers4j.lm.saullm.InstructTuning;
import io.papers4j.lm.saullm.LegalBench;
import io.papers4j.lm.saullm.LegalCorpus;
import io.papers4j.lm.saullm.LegalTasks;
import io.papers4j.lm.saullm.SaulCorpora;
import io.papers4j.lm.serve.ChatClient;
import io.papers4j.lm.train.LmEval;
import io.papers4j.lm.train.LmTraining;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code papers4j saullm corpus build}: SaulLM-7B's legal corpus from licence and copyright text. */
@Command(
    name = "saullm",
    mixinStandardHelpOptions = true,
    description = "SaulLM-7B (arXiv 2403.03883): a legal corpus, instruction tuning and a legal benchmark (continued pretraining with replay is lm train --data).",
    subcommands = {SaulLmCommand.Corpus.class, SaulLmCommand.Instruct.class, SaulLmCommand.Eval.class})
public final class SaulLmCommand extends ParentCommand implements CliCommand {

  /** {@code papers4j saullm corpus build --out DIR}. */
  @Command(name = "corpus", mixinStandardHelpOptions = true, description = "Build the legal and general corpora.",
      subcommands = {Build.class})
  static final class Corpus extends ParentCommand {}

  @Command(name = "build", mixinStandardHelpOptions = true, description = {
      "Read SPDX licence texts (npm spdx-license-list), /usr/share/common-licenses, DEP-5 copyright files and",
      "the law fortunes; deduplicate (exact + MinHash); split by type with ~10% held out by hash; also the",
      "general corpus (KJV + non-legal fortunes). Writes legal/TYPE/{train,heldout}.jsonl, general/*.txt,",
      "manifest.json and a data card README.md."})
  static final class Build implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Override
    public Integer call() {
      PrintWriter w = spec.commandLine().getOut();
      LegalCorpus.Built b = LegalCorpus.build();
      GeneralCorpus.Texts g = GeneralCorpus.build();
      LegalCorpus.write(b, g, out);
      w.printf("legal: %d raw documents, %d exact and %d near duplicates removed, %d train, %d held out;"
              + " general: %d train units, %d held out -> %s%n",
          b.raw(), b.exactDuplicates(), b.nearDuplicates(), b.train().size(), b.heldOut().size(),
          g.train().size(), g.heldOut().size(), out);
      w.flush();
      return 0;
    }
  }

  /** DIR must be a model directory written by lm train (config.json, model.safetensors, tokenizer.json). */
  static void requireModelDir(Path dir) {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--model " + dir + ": no such directory");
    for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new IllegalArgumentException("--model " + dir + " is not a model directory written by papers4j lm train (no " + f + ")");
      }
    }
  }

  /** The corpus directory: --corpus when given (must be built), else the cached one (built on first use). */
  static Path corpusDir(Path given) {
    if (given == null) return SaulCorpora.dir();
    if (!Files.isRegularFile(given.resolve("manifest.json"))) {
      throw new IllegalArgumentException("--corpus " + given + " is not a corpus built by 'papers4j saullm corpus build' (no manifest.json)");
    }
    return given;
  }

  /** {@code papers4j saullm instruct --model DIR --out DIR}. */
  @Command(name = "instruct", mixinStandardHelpOptions = true, description = {
      "Instruction fine-tuning (SaulLM §3.2): legal instructions generated from the SPDX metadata and the DEP-5",
      "copyright files of the corpus' training side (licence facts, licence, holder, first year), mixed with",
      "generic instructions from the general corpus; chat template [INST] ... [/INST] answer, loss on the answer",
      "tokens only; trained through the lm train loop from --model's weights. Held-out documents are never used.",
      "Writes a model directory (config.json, model.safetensors, tokenizer.json, papers4j.json, log.jsonl)."})
  static final class Instruct implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model directory to start from (papers4j lm train output).")
    Path model;

    @Option(names = "--out", required = true, description = "Output model directory.")
    Path out;

    @Option(names = "--corpus", description = "Corpus directory from 'saullm corpus build' (default: the cached one, built on first use).")
    Path corpus;

    @Option(names = "--steps", defaultValue = "300", description = "Optimizer steps (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "8", description = "Rows per batch; each packs several examples (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "0", description = "Tokens per row; 0 = min(256, the model's context) (default ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--generic-ratio", defaultValue = "1.0", description = "Generic instructions per legal one (default ${DEFAULT-VALUE}).")
    double genericRatio;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the example mix and batches (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in --out.")
    boolean resume;

    @Mixin PrecisionOption precision;

    @Mixin SaveDtypeOption saveDtype;

    @Override
    public Integer call() {
      requireModelDir(model);
      Path dir = corpusDir(corpus);
      LmTraining.Run run = InstructTuning.train(
          new InstructTuning.Options(model, out, steps, batch, seq, lr, genericRatio, seed, resume), dir,
          precision.get(), saveDtype.get());
      PrintWriter w = spec.commandLine().getOut();
      var evals = run.result().eval();
      String val = evals.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.4f", evals.get(evals.size() - 1).loss());
      w.printf(Locale.ROOT, "instruction-tuned %d steps in %.0f s; answer-only validation loss %s -> %s%n",
          run.result().steps(), run.result().seconds(), val, out);
      w.flush();
      return 0;
    }
  }

  /** {@code papers4j saullm eval --model DIR | --endpoint URL}. */
  @Command(name = "eval", mixinStandardHelpOptions = true, description = {
      "LegalBench-Instruct-style evaluation on held-out licences and copyright files: the instruction tasks",
      "(OSI-approved, copyleft, source disclosure, same licence, attribution; licence, first holder and first",
      "year of a copyright file), greedy answers cut to the first line and normalised as LegalBench, balanced",
      "accuracy per task and their mean. With --model also legal perplexity per document type and general",
      "perplexity on held-out text. With --endpoint any OpenAI-compatible chat server is scored instead."})
  static final class Eval implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", description = "A local model directory (papers4j lm train / saullm instruct output).")
    Path model;

    @Option(names = "--endpoint", description = "Base URL of an OpenAI-compatible chat server, e.g. http://localhost:8000.")
    String endpoint;

    @Option(names = "--served-model", description = "The 'model' field sent to --endpoint (default: omitted).")
    String servedModel;

    @Option(names = "--corpus", description = "Corpus directory from 'saullm corpus build' (default: the cached one).")
    Path corpus;

    @Option(names = "--max-per-task", defaultValue = "0", description = "At most this many examples per task; 0 = all (default ${DEFAULT-VALUE}).")
    int maxPerTask;

    @Option(names = "--ppl-tokens", defaultValue = "20000", description = "Tokens per document type for perplexity (default ${DEFAULT-VALUE}).")
    int pplTokens;

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds per endpoint request (default ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--out", description = "Also write the scores as JSON to this file.")
    Path out;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() throws Exception {
      if ((model == null) == (endpoint == null)) throw new IllegalArgumentException("give exactly one of --model DIR or --endpoint URL");
      Map<String, Object> json = new LinkedHashMap<>();
      PrintWriter w = spec.commandLine().getOut();
      LegalBench.Answerer answerer;
      LlamaModel m = null;
      BpeTokenizer tok = null;
      ChatClient client = null;
      if (model != null) {
        requireModelDir(model);
        Engine.init();
        m = LlamaCheckpoint.load(model);
        tok = BpeTokenizer.load(model.resolve("tokenizer.json"));
        answerer = LegalBench.local(m, tok);
        json.put("model", model.toString());
      } else {
        client = new ChatClient(endpoint, servedModel, Duration.ofSeconds(timeout));
        answerer = LegalBench.endpoint(client);
        json.put("endpoint", client.uri().toString());
      }
      Path dir = corpusDir(corpus);
      List<LegalTasks.Example> bench = LegalBench.heldOut(dir, maxPerTask);
      if (client != null) client.complete("Reply with OK.", 4); // fail fast with one message when unreachable
      LegalBench.Scores s;
      try (var cast = precision.autocast()) { // the local model's forward passes (an endpoint ignores it)
        s = LegalBench.score(bench, answerer, "legalbench");
      }
      w.println("task | n | balanced accuracy | accuracy");
      for (LegalBench.TaskScore t : s.tasks()) {
        w.printf(Locale.ROOT, "%s | %d | %.3f | %.3f%n", t.task(), t.n(), t.balancedAccuracy(), t.accuracy());
      }
      w.printf(Locale.ROOT, "mean balanced accuracy over %d tasks: %.3f%n", s.tasks().size(), s.mean());
      json.put("balanced_accuracy", s.asMap());
      if (m != null) {
        Map<String, LmEval.Score> ppl;
        try (var cast = precision.autocast()) {
          ppl = LegalBench.perplexity(m, tok, dir, m.config().maxPositionEmbeddings(), pplTokens);
        }
        Map<String, Double> pj = new LinkedHashMap<>();
        for (var e : ppl.entrySet()) {
          w.printf(Locale.ROOT, "perplexity %s (held out, %,d tokens): %.2f%n", e.getKey(), e.getValue().tokens(),
              e.getValue().perplexity());
          pj.put(e.getKey(), e.getValue().perplexity());
        }
        json.put("perplexity", pj);
      }
      if (out != null) {
        AtomicFiles.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
      }
      w.flush();
      return 0;
    }
  }
}
