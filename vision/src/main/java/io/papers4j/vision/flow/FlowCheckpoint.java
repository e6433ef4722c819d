package io.papers4j.vision.flow;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.TensorSpec;
import io.papers4j.core.nn.Params;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * A flow checkpoint directory: {@code config.json} (diffusers' keys for the class it mirrors —
 * {@code SD3Transformer2DModel} for mmdit, {@code DiTTransformer2DModel} for the class-conditional
 * DiT — plus {@code model_type: papers4j-flow} and the full {@link FlowConfig} under {@code
 * papers4j_config}), {@code model.safetensors} and {@code papers4j.json}, written atomically.
 *
 * <p>diffusers' DiT keeps a copy of the timestep and label embedders in every block ({@code
 * transformer_blocks.i.norm1.emb}); the model shares one, so the copies are written on save and
 * checked to be equal to block 0's on load.
 */
public final class FlowCheckpoint {
  public static final String MODEL_TYPE = "papers4j-flow";
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final String SHARED = "transformer_blocks.0.norm1.emb.";

  private FlowCheckpoint() {}

  public static void save(Path dir, FlowModel model, Map<String, Object> runInfo) {
    FlowConfig c = model.config();
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("model_type", MODEL_TYPE);
    if (c.arch().equals("mmdit")) {
      cfg.put("_class_name", "SD3Transformer2DModel");
      cfg.put("sample_size", c.imageSize());
      cfg.put("patch_size", c.patchSize());
      cfg.put("in_channels", c.channels());
      cfg.put("out_channels", c.channels());
      cfg.put("num_layers", c.depth());
      cfg.put("attention_head_dim", c.headDim());
      cfg.put("num_attention_heads", c.numHeads());
      cfg.put("joint_attention_dim", c.text() ? c.contextDim() : c.hiddenSize());
      cfg.put("caption_projection_dim", c.hiddenSize());
      cfg.put("pooled_projection_dim", c.text() ? c.pooledDim() : c.hiddenSize());
      cfg.put("pos_embed_max_size", c.grid());
      cfg.put("qk_norm", c.qkNorm() ? "rms_norm" : null);
    } else if (c.arch().equals("dit") && !c.text()) {
      cfg.put("_class_name", "DiTTransformer2DModel");
      cfg.put("sample_size", c.imageSize());
      cfg.put("patch_size", c.patchSize());
      cfg.put("in_channels", c.channels());
      cfg.put("out_channels", c.channels());
      cfg.put("num_layers", c.depth());
      cfg.put("attention_head_dim", c.headDim());
      cfg.put("num_attention_heads", c.numHeads());
      cfg.put("num_embeds_ada_norm", c.numClasses());
      cfg.put("norm_type", "ada_norm_zero");
      cfg.put("activation_fn", "gelu-approximate");
    }
    cfg.put("papers4j_config", JSON.convertValue(c, Map.class));
    Map<String, Tensor> tensors = new LinkedHashMap<>(model.namedParameters());
    tensors.putAll(model.buffers());
    tensors.putAll(copies(model));
    try {
      Checkpoint.save(dir, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg) + "\n", tensors, runInfo);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the flow config: " + e.getMessage(), e);
    }
  }

  /**
   * A trained run: with a weight average, the directory holds the averaged weights (what the
   * samplers load, as published DiT and SD3 weights are) and {@code non_ema/} a full checkpoint of
   * the trained weights themselves, as DiT's training code keeps both; without one, the trained
   * weights. The model's live weights are left as they were.
   */
  public static void save(Path dir, FlowTraining.Run run, Map<String, Object> runInfo) {
    FlowModel model = run.model();
    if (run.ema() == null) {
      save(dir, model, runInfo);
      return;
    }
    Map<String, Tensor> raw = new LinkedHashMap<>();
    try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
      model.namedParameters().forEach((k, v) -> raw.put(k, v.detach().clone()));
    }
    Map<String, Object> emaInfo = new LinkedHashMap<>(runInfo);
    emaInfo.put("weights", "ema " + run.ema().decay());
    try {
      run.averaged();
      save(dir, model, emaInfo);
    } finally {
      try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
        model.namedParameters().forEach((k, v) -> v.copy_(raw.get(k)));
      }
    }
    Map<String, Object> rawInfo = new LinkedHashMap<>(runInfo);
    rawInfo.put("weights", "non-ema");
    save(dir.resolve(NON_EMA), model, rawInfo);
  }

  /**
   * As {@link #save(Path, FlowTraining.Run, Map)}, for a model trained in {@code space} (may be
   * null): the autoencoder is saved with it in {@value #AUTOENCODER}/ (diffusers' pipeline layout), so
   * the checkpoint samples and evaluates on its own.
   */
  public static void save(Path dir, FlowTraining.Run run, Map<String, Object> runInfo, io.papers4j.vision.gen.LatentSpace space) {
    Map<String, Object> info = new LinkedHashMap<>(runInfo);
    if (space != null) {
      info.put("latent_space", AUTOENCODER);
      if (space.dir() != null) info.put("autoencoder_source", space.dir().toString());
    }
    save(dir, run, info);
    if (space != null) {
      Map<String, Object> ae = new LinkedHashMap<>();
      ae.put("copied_from", space.dir() == null ? "memory" : space.dir().toString());
      io.papers4j.vision.gen.AutoencoderCheckpoint.save(dir.resolve(AUTOENCODER), space.autoencoder(), ae);
    }
  }

  /** The sub-directory of a latent model's checkpoint holding its autoencoder. */
  public static final String AUTOENCODER = "vae";

  /** The latent space a checkpoint was trained in, or null for a pixel-space model. */
  public static io.papers4j.vision.gen.LatentSpace latentSpace(Path dir) {
    Path ae = dir.resolve(AUTOENCODER);
    if (!java.nio.file.Files.isDirectory(ae)) return null;
    io.papers4j.vision.gen.LatentSpace space = io.papers4j.vision.gen.LatentSpace.load(ae);
    FlowConfig c = readConfig(dir);
    if (space.autoencoder().config().latentChannels() != c.channels()) {
      throw new IllegalArgumentException(ae + ": the autoencoder has " + space.autoencoder().config().latentChannels()
          + " latent channels, the flow model reads " + c.channels());
    }
    return space;
  }

  /** The sub-directory of a checkpoint with the trained (non-averaged) weights. */
  public static final String NON_EMA = "non_ema";

  /** The config of a flow checkpoint; one message when the directory holds another kind of model. */
  public static FlowConfig readConfig(Path dir) {
    com.fasterxml.jackson.databind.JsonNode m = Checkpoint.readConfigOfType(dir, MODEL_TYPE, "flow");
    if (!m.hasNonNull("papers4j_config")) throw new IllegalArgumentException(dir.resolve(Checkpoint.CONFIG) + ": missing papers4j_config");
    try {
      return JSON.convertValue(m.get("papers4j_config"), FlowConfig.class);
    } catch (IllegalArgumentException e) {
      Throwable root = e;
      while (root.getCause() != null) root = root.getCause();
      throw new IllegalArgumentException(dir.resolve(Checkpoint.CONFIG) + ": invalid flow config: " + root.getMessage(), e);
    }
  }

  public static FlowModel load(Path dir) {
    FlowModel model = FlowModel.create(readConfig(dir), 0);
    Map<String, TensorSpec> expected = new LinkedHashMap<>();
    model.namedParameters().forEach((k, v) -> expected.put(k, TensorSpec.of(v)));
    model.buffers().forEach((k, v) -> expected.put(k, TensorSpec.of(v)));
    Map<String, Tensor> copies = copies(model);
    copies.forEach((k, v) -> expected.put(k, TensorSpec.of(v)));
    Map<String, Tensor> tensors = new LinkedHashMap<>(Checkpoint.load(dir, expected, Checkpoint.LoadOptions.STRICT));
    String origin = dir.resolve(Checkpoint.WEIGHTS).toString();
    for (String k : copies.keySet()) {
      Tensor copy = tensors.remove(k);
      Tensor first = tensors.get(SHARED + k.substring(k.indexOf(".norm1.emb.") + ".norm1.emb.".length()));
      if (copy.sub(first).abs().max().item_double() != 0) {
        throw new IllegalArgumentException(origin + ": " + k + " differs from block 0's embedder (this model shares one)");
      }
    }
    for (String k : model.buffers().keySet()) tensors.remove(k);
    Params.load(model, tensors, origin);
    return model;
  }

  /** The per-block copies of the shared DiT embedders that diffusers' layout has. */
  private static Map<String, Tensor> copies(FlowModel model) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
      if (!e.getKey().startsWith(SHARED)) continue;
      String rest = e.getKey().substring(SHARED.length());
      for (int i = 1; i < model.config().depth(); i++) out.put("transformer_blocks." + i + ".norm1.emb." + rest, e.getValue());
    }
    return out;
  }
}
