package io.papers4j.lm.llama;

import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.SaveDtype;
import io.papers4j.core.io.TensorSpec;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.adapter.AdapterMerge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Saves and loads a {@link LlamaModel} as a Hugging Face-compatible checkpoint directory ({@code
 * config.json}, {@code model.safetensors}, {@code papers4j.json}) through {@code core.io}. A real
 * LLaMA / Mistral / Yi download (single or sharded safetensors) loads too: then extra buffers are
 * ignored and bf16/f16 weights are converted to the model's float32. A model trained with LoRA or
 * W = BA ({@code lm train --optimizer lora|lowrank}) loads with its factors merged into dense
 * weights ({@link AdapterMerge}).
 */
public final class LlamaCheckpoint {
  private LlamaCheckpoint() {}

  /** Writes {@code dir} atomically; {@code runInfo} is the papers4j.json record ({@link Checkpoint#runInfo}). */
  public static void save(LlamaModel model, Path dir, Map<String, Object> runInfo) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    model.namedParameters().forEach((k, v) -> tensors.put(k, v.detach()));
    Checkpoint.save(dir, model.config().withTorchDtype(dtypeName(model)).toJson(), tensors, runInfo);
  }

  /**
   * Writes {@code dir} atomically with the weights in {@code dtype}: {@link SaveDtype#BF16} gives
   * "BF16" tensors and {@code "torch_dtype": "bfloat16"} (as transformers saves a bfloat16 model);
   * the model's own float32 parameters are not touched.
   */
  public static void save(LlamaModel model, Path dir, Map<String, Object> runInfo, SaveDtype dtype) {
    if (dtype == SaveDtype.F32) {
      save(model, dir, runInfo);
      return;
    }
    Checkpoint.save(dir, model.config().withTorchDtype(dtype.torchDtype()).toJson(),
        dtype.cast(model.namedParameters()), runInfo);
  }

  /** The config of a checkpoint directory. */
  public static LlamaConfig readConfig(Path dir) {
    return LlamaConfig.read(dir.resolve(Checkpoint.CONFIG));
  }

  /**
   * Loads a model: builds it from config.json, then reads every tensor, checking names, shapes and
   * dtypes (errors name the file and tensor). Our own checkpoints (with papers4j.json) must hold
   * exactly the model's tensors (bf16 ones from {@code --save-dtype bf16} load as float32); plain
   * Hugging Face directories may also hold extra buffers.
   */
  public static LlamaModel load(Path dir) {
    LlamaConfig config = readConfig(dir);
    LlamaModel model = new LlamaModel(config, Init.normal(0, config.initializerRange()), null);
    boolean ours = Files.exists(dir.resolve(Checkpoint.PAPERS4J));
    if (ours && Checkpoint.readHeaders(dir).stream().anyMatch(h -> AdapterMerge.hasAdapters(h.tensors().keySet()))) {
      // lm train --optimizer lora|lowrank: W₀ + (α/r)·B·A or B·A merged into dense weights
      Map<String, Tensor> merged =
          AdapterMerge.merge(SaveDtype.F32.cast(Checkpoint.loadAll(dir)), loraAlpha(dir), // bf16 files merge in float32
              dir.resolve(Checkpoint.WEIGHTS).toString());
      model.load(merged, dir.resolve(Checkpoint.WEIGHTS).toString());
      return model;
    }
    Map<String, TensorSpec> expected = new LinkedHashMap<>();
    model.namedParameters().forEach((k, v) -> expected.put(k, TensorSpec.of(v)));
    Map<String, Tensor> tensors =
        Checkpoint.load(dir, expected, ours ? Checkpoint.LoadOptions.OWN : Checkpoint.LoadOptions.HF_IMPORT);
    model.load(tensors, dir.resolve(Checkpoint.WEIGHTS).toString());
    return model;
  }

  /** LoRA's α from papers4j.json (config.optimizer.lora_alpha), NaN when absent. */
  private static double loraAlpha(Path dir) {
    Object config = Checkpoint.readRunInfo(dir).get("config");
    if (config instanceof Map<?, ?> c && c.get("optimizer") instanceof Map<?, ?> o
        && o.get("lora_alpha") instanceof Number a) {
      return a.doubleValue();
    }
    return Double.NaN;
  }

  private static String dtypeName(LlamaModel m) {
    return switch (m.embedTokens.weight.scalar_type().intern()) {
      case Double -> "float64";
      case BFloat16 -> "bfloat16";
      case Half -> "float16";
      default -> "float32";
    };
  }
}
