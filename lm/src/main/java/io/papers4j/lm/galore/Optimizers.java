package io.papers4j.lm.galore;

import io.papers4j.core.io.ConfigJson;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.adapter.LoraAdapter;
import io.papers4j.core.nn.adapter.LowRankAdapter;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.BlockwiseInt8;
import io.papers4j.core.optim.Optimizer;
import io.papers4j.core.optim.OptimizerFactory;
import io.papers4j.lm.galore.GaLoreAdamW.Group;
import io.papers4j.lm.galore.GaLoreAdamW.Projection;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The six optimizers of the GaLore comparison behind one factory, all in one code path ({@link
 * GaLoreAdamW}) so that only the method differs between runs:
 *
 * <ul>
 *   <li>{@code adamw}: full-rank HF-style AdamW (numerically equal to core's {@code HfAdamW}).
 *   <li>{@code adam8bit}: the same with block-wise int8 moments.
 *   <li>{@code galore}: 2-D attention/MLP weights projected to rank r, everything else AdamW.
 *   <li>{@code galore8bit}: GaLore with int8 moments.
 *   <li>{@code lowrank}: attention/MLP weights factorised W = B·A ({@link LowRankAdapter}), AdamW.
 *   <li>{@code lora}: attention/MLP weights W₀ + (α/r)·B·A with W₀ frozen ({@link LoraAdapter}).
 *   <li>{@code adafactor}, {@code galore_adafactor}: Hugging Face Adafactor with GaLore's settings
 *       (external lr, no β₁), without and with the projection ({@link GaLoreAdafactor}).
 *   <li>{@code adamw_split}: an ablation, full-rank AdamW with GaLore's learning-rate split: the
 *       attention/MLP weights move at α·lr, everything else at lr (GaLore with the identity
 *       projection at full rank), to separate the effect of the projection from that of the split.
 * </ul>
 *
 * {@code lowrank} and {@code lora} change the model: call {@link #prepareModel} before taking
 * {@code model.namedParameters()}. Only parameters with {@code requires_grad} are optimized.
 */
public final class Optimizers {
  private Optimizers() {}

  public static final List<String> NAMES =
      List.of("adamw", "adam8bit", "galore", "galore8bit", "lowrank", "lora", "adafactor", "galore_adafactor",
          "adamw_split");

  /** The Adafactor family ({@link GaLoreAdafactor}); the rest run on {@link GaLoreAdamW}. */
  static boolean isAdafactor(String name) {
    return name.equals("adafactor") || name.equals("galore_adafactor");
  }

  /** Names whose attention/MLP weights GaLore projects. */
  static boolean isProjectedMethod(String name) {
    return name.equals("galore") || name.equals("galore8bit") || name.equals("galore_adafactor")
        || name.equals("adamw_split");
  }

  /** Rank used by the projection of {@code name}: full rank (the identity) for adamw_split. */
  static int projectionRank(String name, int rank) {
    return name.equals("adamw_split") ? Integer.MAX_VALUE : rank;
  }

  /**
   * Options of the factory.
   *
   * @param lr peak learning rate (GaLore 0.01 with α 0.25; AdamW, LoRA, low-rank ≈ 1e-3)
   * @param rank r of GaLore, LoRA and low-rank (128 for the 60M model, i.e. d/4)
   * @param updateGap T: steps between GaLore's SVD refreshes (200)
   * @param galoreScale α, scales GaLore's back-projected update (0.25)
   * @param loraAlpha LoRA's α; the update is scaled by α/r (32 in the paper's baseline)
   * @param perLayer update each parameter inside backward ({@link PerLayerUpdates})
   * @param blockSize int8 block size (2,048, Dettmers et al. 2022)
   * @param min8bitSize moments smaller than this stay float32 (4,096, bitsandbytes)
   * @param weightDecay decoupled weight decay (0 in GaLore's scripts)
   * @param initStd std of the dense init, for the low-rank factors (0.02, LLaMA)
   * @param seed seed of the adapters' initialisation
   */
  public record Options(
      double lr,
      int rank,
      int updateGap,
      double galoreScale,
      double loraAlpha,
      boolean perLayer,
      int blockSize,
      int min8bitSize,
      double weightDecay,
      double initStd,
      long seed) {
    public Options {
      if (rank <= 0) throw new IllegalArgumentException("--rank must be > 0, got " + rank);
      if (updateGap <= 0) throw new IllegalArgumentException("--update-gap must be > 0, got " + updateGap);
      if (!(lr >= 0)) throw new IllegalArgumentException("--lr must be >= 0, got " + lr);
    }

    /** The paper's settings at learning rate {@code lr} and rank {@code rank}. */
    public static Options defaults(double lr, int rank) {
      return builder(lr, rank).build();
    }

    /**
     * A builder with the paper's settings: T = 200, α = 0.25, LoRA α = 32, whole-model steps,
     * int8 blocks of 2,048 above 4,096 elements, no weight decay, init std 0.02, seed 0.
     */
    public static Builder builder(double lr, int rank) {
      return new Builder(lr, rank);
    }

    /** A builder holding these options, to change parts of them. */
    public Builder toBuilder() {
      return new Builder(lr, rank).optUpdateGap(updateGap).optGaloreScale(galoreScale).optLoraAlpha(loraAlpha)
          .optPerLayer(perLayer).optInt8(blockSize, min8bitSize).optWeightDecay(weightDecay).optInitStd(initStd)
          .optSeed(seed);
    }

    public Options withUpdateGap(int t) {
      return toBuilder().optUpdateGap(t).build();
    }

    public Options withPerLayer(boolean on) {
      return toBuilder().optPerLayer(on).build();
    }

    public Options withScale(double alpha) {
      return toBuilder().optGaloreScale(alpha).build();
    }

    /** Builds {@link Options}; {@link #build()} validates with messages naming the CLI option. */
    public static final class Builder {
      private final double lr;
      private final int rank;
      private int updateGap = 200;
      private double galoreScale = 0.25;
      private double loraAlpha = 32;
      private boolean perLayer = false;
      private int blockSize = BlockwiseInt8.DEFAULT_BLOCK;
      private int min8bitSize = 4096;
      private double weightDecay = 0.0;
      private double initStd = 0.02;
      private long seed = 0;

      private Builder(double lr, int rank) {
        this.lr = lr;
        this.rank = rank;
      }

      public Builder optUpdateGap(int v) { updateGap = v; return this; }
      public Builder optGaloreScale(double v) { galoreScale = v; return this; }
      public Builder optLoraAlpha(double v) { loraAlpha = v; return this; }
      public Builder optPerLayer(boolean v) { perLayer = v; return this; }
      /** int8 block size and the element count below which moments stay float32. */
      public Builder optInt8(int block, int minSize) { blockSize = block; min8bitSize = minSize; return this; }
      public Builder optWeightDecay(double v) { weightDecay = v; return this; }
      public Builder optInitStd(double v) { initStd = v; return this; }
      public Builder optSeed(long v) { seed = v; return this; }

      public Options build() {
        return new Options(lr, rank, updateGap, galoreScale, loraAlpha, perLayer, blockSize, min8bitSize, weightDecay,
            initStd, seed);
      }
    }
  }

  /**
   * The optimizer choice a run records in papers4j.json (snake_case keys; a rank of 0 means
   * hidden_size / 4).
   */
  public record Choice(String name, int rank, int updateProjGap, double galoreScale, double loraAlpha,
      boolean perLayer) {}

  /**
   * What {@code lm train --optimizer NAME} hands the training glue: a rank of 0 resolves to
   * hidden_size / 4 (the paper's 128 for d = 512) and the low-rank init std to the model's
   * initializer_range, both read from the model the factory is given.
   */
  public static OptimizerFactory<LlamaModel> factory(String name, int rank, int updateGap, double scale,
      double loraAlpha, boolean perLayer, double lr, double weightDecay, long seed) {
    String n = check(name);
    return new OptimizerFactory<>() {
      @Override
      public Optimizer create(LlamaModel model) {
        int r = rank > 0 ? rank : Math.max(1, model.config().hiddenSize() / 4);
        Options o = Options.builder(lr, r).optUpdateGap(updateGap).optGaloreScale(scale).optLoraAlpha(loraAlpha)
            .optPerLayer(perLayer).optWeightDecay(weightDecay).optInitStd(model.config().initializerRange())
            .optSeed(seed).build();
        prepareModel(n, model, o); // LoRA / W = BA change the model's tensors
        return Optimizers.create(n, model.namedParameters(), o);
      }

      @Override
      public Map<String, Object> describe() {
        return ConfigJson.snakeCase(new Choice(n, rank, updateGap, scale, loraAlpha, perLayer));
      }

      @Override
      public boolean updatesInsideBackward() {
        return perLayer;
      }
    };
  }

  /** Fails with the list of valid names. */
  public static String check(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (!NAMES.contains(n)) {
      throw new IllegalArgumentException("unknown optimizer '" + name + "'; expected one of " + NAMES);
    }
    return n;
  }

  /**
   * The paper's selection (torchrun_main.py): 2-D weights whose name contains "attn" or "mlp"
   * (q, k, v, o, gate, up, down). Embeddings, norms and the LM head stay with plain AdamW.
   */
  public static boolean isProjected(String name, long dims) {
    return dims == 2 && (name.contains("attn") || name.contains("mlp"));
  }

  /** Installs LoRA or the low-rank factorisation on every attention/MLP Linear; no-op otherwise. */
  public static void prepareModel(String name, LlamaModel model, Options o) {
    String n = check(name);
    if (!n.equals("lora") && !n.equals("lowrank")) return;
    long seed = o.seed() * 1000 + 17;
    for (Linear l : targets(model)) {
      if (n.equals("lora")) LoraAdapter.install(l, o.rank(), o.loraAlpha(), seed++);
      else LowRankAdapter.install(l, o.rank(), o.initStd(), seed++);
    }
  }

  /** The attention and MLP projections of every layer (q, k, v, o, gate, up, down). */
  public static List<Linear> targets(LlamaModel model) {
    List<Linear> out = new ArrayList<>();
    for (LlamaModel.DecoderLayer layer : model.layers) {
      out.add(layer.selfAttn.qProj);
      out.add(layer.selfAttn.kProj);
      out.add(layer.selfAttn.vProj);
      out.add(layer.selfAttn.oProj);
      out.add(layer.mlp.gateProj);
      out.add(layer.mlp.upProj);
      out.add(layer.mlp.downProj);
    }
    return out;
  }

  /**
   * The optimizer called {@code name} over the trainable tensors of {@code params} (e.g. {@code
   * model.namedParameters()} after {@link #prepareModel}).
   */
  public static Optimizer create(String name, Map<String, org.bytedeco.pytorch.Tensor> params, Options o) {
    String n = check(name);
    if (isAdafactor(n)) {
      if (o.perLayer()) {
        throw new IllegalArgumentException("--per-layer is implemented for the AdamW family only, not " + n);
      }
      List<Group> groups = groups(n, params, o);
      return new GaLoreAdafactor(GaLoreAdafactor.Config.galoreDefaults(o.lr(), o.weightDecay()), groups);
    }
    GaLoreAdamW inner = galoreAdamW(n, params, o);
    return o.perLayer() ? new PerLayerUpdates(inner) : inner;
  }

  /** As {@link #create} without the per-layer wrapper, for state inspection. */
  public static GaLoreAdamW galoreAdamW(String name, Map<String, org.bytedeco.pytorch.Tensor> params, Options o) {
    String n = check(name);
    if (isAdafactor(n)) throw new IllegalArgumentException(n + " is not an AdamW-family optimizer");
    AdamConfig c = new AdamConfig(o.lr(), 0.9, 0.999, 1e-6, o.weightDecay());
    return new GaLoreAdamW(c, groups(n, params, o), o.blockSize(), o.min8bitSize());
  }

  /** The paper's grouping: projected attention/MLP weights ("galore") and the rest. */
  private static List<Group> groups(String n, Map<String, org.bytedeco.pytorch.Tensor> params, Options o) {
    boolean eightBit = n.equals("adam8bit") || n.equals("galore8bit");
    boolean projected = isProjectedMethod(n);
    Map<String, org.bytedeco.pytorch.Tensor> low = new LinkedHashMap<>();
    Map<String, org.bytedeco.pytorch.Tensor> rest = new LinkedHashMap<>();
    for (Map.Entry<String, org.bytedeco.pytorch.Tensor> e : params.entrySet()) {
      if (!e.getValue().requires_grad()) continue; // LoRA's frozen W₀
      if (projected && isProjected(e.getKey(), e.getValue().dim())) low.put(e.getKey(), e.getValue());
      else rest.put(e.getKey(), e.getValue());
    }
    if (low.isEmpty() && rest.isEmpty()) throw new IllegalArgumentException("no trainable parameters");
    if (projected && low.isEmpty()) {
      throw new IllegalArgumentException(
          "optimizer " + n + " found no 2-D attention/MLP weight (names containing 'attn' or 'mlp')");
    }
    List<Group> groups = new ArrayList<>();
    if (!low.isEmpty()) {
      Projection proj = n.equals("adamw_split")
          ? new Projection(Integer.MAX_VALUE, Integer.MAX_VALUE, o.galoreScale(), GaLoreProjector.Type.IDENTITY)
          : Projection.svd(o.rank(), o.updateGap(), o.galoreScale());
      groups.add(new Group("galore", low, proj, eightBit));
    }
    String restName = projected ? (isAdafactor(n) ? "adafactor" : "adamw") : n;
    if (!rest.isEmpty()) groups.add(new Group(restName, rest, null, eightBit));
    return groups;
  }

  /** Optimizer-state bytes per group of any optimizer made by {@link #create}. */
  public static List<GaLoreAdamW.GroupState> breakdown(Optimizer opt) {
    if (opt instanceof GaLoreAdafactor a) return a.stateBreakdown();
    GaLoreAdamW g = unwrap(opt);
    if (g == null) throw new IllegalArgumentException("not an optimizer of this factory: " + opt.getClass().getName());
    return g.stateBreakdown();
  }

  /** The GaLoreAdamW inside {@code opt} (also through the per-layer wrapper), or null. */
  public static GaLoreAdamW unwrap(Optimizer opt) {
    if (opt instanceof GaLoreAdamW g) return g;
    if (opt instanceof PerLayerUpdates p) return p.inner();
    return null;
  }
}
