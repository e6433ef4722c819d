package io.papers4j.lm.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.SaveDtypeOption;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tensor.Engine;
import io.papers4j.lm.llama.LayerSurgery;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.yi.DepthUpscaling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code papers4j yi upscale}: Yi-9B-style depth up-scaling of a checkpoint. */
@Command(
    name = "yi",
    mixinStandardHelpOptions = true,
    description = "Yi (arXiv 2403.04652): depth up-scaling of LLaMA-family checkpoints.",
    subcommands = {YiCommand.Upscale.class})
public final class YiCommand implements CliCommand, Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "upscale", mixinStandardHelpOptions = true,
      description = "Duplicate a contiguous layer range, inserting the copies after it (Yi-9B from Yi-6B: --duplicate 12-27).")
  static final class Upscale implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Source checkpoint directory.")
    Path model;

    @Option(names = "--duplicate", required = true,
        description = "Inclusive layer range to copy, e.g. 3-6, or 'yi9b' for the range Yi-9B copies at the same "
            + "relative depth (12-27 of 32: 6-13 of 16, 3-6 of 8).")
    String duplicate;

    @Option(names = "--out", required = true, description = "Output checkpoint directory (must not exist).")
    Path out;

    @Mixin SaveDtypeOption saveDtype;

    @Override
    public Integer call() throws Exception {
      Engine.init();
      int[] range = duplicate.equals("yi9b") ? null : LayerSurgery.parseRange(duplicate);
      if (Files.exists(out)) throw new IllegalArgumentException(out + " already exists; choose a new --out");
      LlamaModel m = LlamaCheckpoint.load(model);
      if (range == null) range = DepthUpscaling.yi9bRange(m.layers.size());
      List<Integer> plan = DepthUpscaling.plan(m.layers.size(), range[0], range[1]);
      LlamaModel up = LayerSurgery.select(m, plan);
      Map<String, Object> info = new LinkedHashMap<>(Checkpoint.readRunInfo(model));
      info.put("yi_upscaled_from", model.toString());
      info.put("yi_layer_sources", plan);
      LlamaCheckpoint.save(up, out, info, saveDtype.get());
      Path tok = model.resolve("tokenizer.json");
      if (Files.exists(tok)) Files.copy(tok, out.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
      System.out.printf("%d -> %d layers (sources %s); wrote %s%n", m.layers.size(), up.layers.size(), plan, out);
      return 0;
    }
  }
}
