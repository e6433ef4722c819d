package io.papers4j.lm.cli;

import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.SafetensorsHeader;
import io.papers4j.core.io.TensorInfo;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code papers4j lm info --model DIR}: the config, the parameter count and the tensor table, read
 * from the headers only (no weights are loaded, so it is instant even for a 7B download).
 */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Show a checkpoint's config, parameter count and tensors (reads headers only).")
final class InfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Checkpoint directory (config.json + model.safetensors).")
  Path model;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    LlamaConfig c = LlamaCheckpoint.readConfig(model);
    out.printf("checkpoint   %s%n", model);
    out.printf("architecture %s (model_type %s)%n", c.architecture(), c.modelType());
    out.printf(
        "shape        %d layers, hidden %d, MLP %d, heads %d (kv %d, head_dim %d), vocab %d%n",
        c.numHiddenLayers(), c.hiddenSize(), c.intermediateSize(), c.numAttentionHeads(),
        c.numKeyValueHeads(), c.headDim(), c.vocabSize());
    out.printf(
        "attention    RoPE type %s, theta %s; %s; context %d%n",
        c.rope().ropeType(), c.ropeTheta(),
        c.window() > 0 ? "sliding window " + c.window() : "full causal", c.maxPositionEmbeddings());
    out.printf("embeddings   %s%n", c.tieWordEmbeddings() ? "tied (lm_head = embed_tokens)" : "untied");

    long stored = 0;
    StringBuilder table = new StringBuilder();
    for (SafetensorsHeader h : Checkpoint.readHeaders(model)) {
      for (TensorInfo t : h.tensors().values()) {
        stored += t.numel();
        table.append(String.format("  %-56s %-5s %-18s %,14d%n", t.name(), t.dtype(), Arrays.toString(t.shape()), t.numel()));
      }
    }
    out.printf("parameters   %,d stored (%,d expected from config.json)%n", stored, c.parameterCount());
    Map<String, Object> run = Checkpoint.readRunInfo(model);
    if (!run.isEmpty()) {
      out.printf("papers4j     step %s, seed %s, data %s, code %s%n", run.get("step"), run.get("seed"), run.get("data"), run.get("code_version"));
    }
    out.printf("tensors%n  %-56s %-5s %-18s %14s%n", "name", "dtype", "shape", "elements");
    out.print(table);
    out.flush();
    return 0;
  }
}
