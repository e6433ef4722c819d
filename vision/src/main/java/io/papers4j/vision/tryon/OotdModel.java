package io.papers4j.vision.tryon;

import io.papers4j.core.diffusion.VariancePreserving;
import io.papers4j.core.nn.Conv2d;
import io.papers4j.core.nn.Embedding;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.unet.SelfAttentionHook;
import io.papers4j.core.nn.unet.UNet2DConditionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * OOTDiffusion (Xu et al., arXiv 2403.01779) in pixel space, with its two baselines in the same code
 * path. Images are in [−1, 1]; the mask is 1 where the garment is to be generated.
 *
 * <pre>
 * ψ = proj(meanpool(SiLU(conv2(SiLU(conv1(g))))))        // (B, D)   auxiliary garment embedding (stands in for CLIP)
 * ctx = [category_embedding(c) ; ψ]                         // (B, 2, D) cross-attention tokens
 * fusion:  ω_θ'(g, t = 0, ctx) run once, recording the input of each transformer block  g_k (B, N_k, C_k)
 *          ŷ = ε_θ([x_t, x_agnostic, m], t, ctx; block k's self-attention over [h_k ; g_k], first N_k rows kept)
 * global:  ŷ = ε_θ([x_t, x_agnostic, m], t, ctx)            // the garment only through ψ
 * concat:  ŷ = ε_θ([x_t, x_agnostic, m, g], t, ctx)         // the garment as 3 more input channels
 * </pre>
 *
 * <p>ŷ is the clean image x̂₀ by default ({@link TryOnConfig#prediction}; ε or v on request): a small pixel-space
 * UNet predicting ε could not even give back one memorised example (docs/ootdiffusion.md).
 *
 * <p>Outfitting dropout and garment guidance drop the garment image g → 0 on its main path: the
 * outfitting UNet's input (fusion; ψ keeps the garment, as OOTDiffusion keeps the CLIP embedding in
 * both CFG halves), ψ itself (global, where ψ is the only path), or the concatenated channels (concat).
 * Tensor names: {@code unet_vton.*} and {@code unet_garm.*} (diffusers UNet2DConditionModel names, the
 * official project's folder names), {@code garment_encoder.*}, {@code category_embedding.weight}.
 */
public final class OotdModel implements Parameterized {
  private final TryOnConfig config;
  public final UNet2DConditionModel denoiser; // unet_vton
  public final UNet2DConditionModel outfitting; // unet_garm, null unless fusion
  private final Conv2d encConv1, encConv2; // (E/2, 3, 3, 3) stride 2, (E, E/2, 3, 3) stride 2
  private final Linear encProj; // (D, E)
  private final Embedding categoryEmbedding; // (3, D)
  private final VariancePreserving process;


  /** The garment side of one conditioning: the cross-attention tokens and, for fusion, the outfitting UNet's block inputs. */
  public record GarmentFeatures(Tensor context, List<Tensor> blocks) {
    /** Rows a then b along the batch (cond and uncond in one pass). */
    public static GarmentFeatures cat(GarmentFeatures a, GarmentFeatures b) {
      List<Tensor> blocks = null;
      if (a.blocks != null) {
        blocks = new ArrayList<>();
        for (int k = 0; k < a.blocks.size(); k++) blocks.add(torch.cat(new TensorVector(a.blocks.get(k), b.blocks.get(k)), 0));
      }
      return new GarmentFeatures(torch.cat(new TensorVector(a.context, b.context), 0), blocks);
    }
  }

  public OotdModel(TryOnConfig config, long seed) {
    this.config = config;
    Init init = Init.normal(seed, 0.05);
    this.denoiser = new UNet2DConditionModel(config.denoiser(), init);
    this.outfitting = config.arm().equals("fusion") ? new UNet2DConditionModel(config.outfitting(), init) : null;
    int e = config.encoderWidth();
    this.encConv1 = new Conv2d(3, e / 2, 3, 3, 2, 1, true, init);
    this.encConv2 = new Conv2d(e / 2, e, 3, 3, 2, 1, true, init);
    this.encProj = new Linear(e, config.contextDim(), true, init);
    this.categoryEmbedding = new Embedding(TryOnData.CATEGORIES.size(), config.contextDim(), Init.normal(seed + 1, 1.0));
    this.process = process(config.trainTimesteps(), config.prediction());
  }

  /** DDPM's linear schedule β = linspace(1e-4, 0.02, N), ε-prediction (spec §5(e)). */
  public static VariancePreserving process(int n) {
    return process(n, "eps");
  }

  /** DDPM's linear schedule with the network predicting {@code eps}, {@code v} or {@code x0}. */
  public static VariancePreserving process(int n, String prediction) {
    double[] ac = new double[n];
    double prod = 1;
    for (int i = 0; i < n; i++) {
      prod *= 1 - (1e-4 + (0.02 - 1e-4) * i / (n - 1));
      ac[i] = prod;
    }
    VariancePreserving.Prediction p = switch (prediction) {
      case "eps" -> VariancePreserving.Prediction.EPSILON;
      case "v" -> VariancePreserving.Prediction.V;
      case "x0" -> VariancePreserving.Prediction.SAMPLE;
      default -> throw new IllegalArgumentException("prediction must be eps, v or x0, got " + prediction);
    };
    return new VariancePreserving("ddpm-linear", ac, p);
  }

  public TryOnConfig config() {
    return config;
  }

  public VariancePreserving diffusion() {
    return process;
  }

  /** ψ: garment (B, 3, S, S) → (B, D). */
  public Tensor garmentEmbedding(Tensor garment) {
    Tensor h = torch.silu(encConv1.forward(garment)); // (B, E/2, S/2, S/2)
    h = torch.silu(encConv2.forward(h)); // (B, E, S/4, S/4)
    return encProj.forward(h.mean(new long[] {2, 3}, false, new org.bytedeco.pytorch.ScalarTypeOptional())); // (B, D)
  }

  /**
   * The garment side, computed once per sampling run (the outfitting UNet runs at t = 0 only).
   *
   * @param garment (B, 3, S, S) in [−1, 1]
   * @param drop per example: replace the garment image by zeros on its main path (outfitting dropout / the CFG null)
   * @param category (B) int64
   */
  public GarmentFeatures garmentFeatures(Tensor garment, boolean[] drop, Tensor category) {
    Tensor dropped = dropGarment(garment, drop); // (B, 3, S, S)
    Tensor psi = garmentEmbedding(config.arm().equals("global") ? dropped : garment); // (B, D)
    Tensor ctx = torch.stack(new TensorVector(categoryEmbedding.forward(category), psi), 1); // (B, 2, D)
    if (outfitting == null) return new GarmentFeatures(ctx, null);
    List<Tensor> blocks = new ArrayList<>();
    Tensor t0 = torch.zeros(new long[] {garment.size(0)}); // (B) timestep 0
    outfitting.forward(dropped, t0, ctx, null, null, null, h -> {
      blocks.add(h); // (B, N_k, C_k): each transformer block's input, in forward order
      return null;
    });
    return new GarmentFeatures(ctx, blocks);
  }

  /** Garments with the dropped rows set to zeros; the input is not modified. */
  public static Tensor dropGarment(Tensor garment, boolean[] drop) {
    if (drop == null) return garment;
    float[] keep = new float[drop.length];
    for (int i = 0; i < keep.length; i++) keep[i] = drop[i] ? 0f : 1f;
    return garment.mul(Tensor.create(keep, keep.length, 1, 1, 1).clone().to(garment.scalar_type().intern()));
  }

  /**
   * The prediction ŷ (B, 3, S, S) (x̂₀, ε̂ or v̂ as the config says) for the noisy image x_t at model time t (B) (the timestep index as float).
   *
   * @param agnostic (B, 3, S, S) in [−1, 1], mask (B, 1, S, S) in {0, 1}
   * @param garment the garment (B, 3, S, S) as the concat arm sees it (dropped rows zero); ignored by the other arms
   */
  public Tensor denoise(Tensor xt, Tensor t, Tensor agnostic, Tensor mask, Tensor garment, GarmentFeatures f) {
    Tensor in = config.arm().equals("concat")
        ? torch.cat(new TensorVector(xt, agnostic, mask, garment), 1) // (B, 10, S, S)
        : torch.cat(new TensorVector(xt, agnostic, mask), 1); // (B, 7, S, S)
    SelfAttentionHook fusion = null;
    if (f.blocks() != null) {
      int[] k = {0};
      fusion = h -> f.blocks().get(k[0]++); // block k's self-attention also sees the garment's g_k
    }
    return denoiser.forward(in, t, f.context(), null, null, null, fusion);
  }

  /** The training loss E‖y − ŷ‖² (y = ε, v or x₀ as the config says) for clean targets x0 (B, 3, S, S) in [−1, 1] at times t (B) in [0, 1). */
  public Tensor loss(Tensor x0, Tensor noise, Tensor t, Tensor agnostic, Tensor mask, Tensor garment, Tensor category, boolean[] drop) {
    GarmentFeatures f = garmentFeatures(garment, drop, category);
    Tensor xt = process.noised(x0, noise, t); // (B, 3, S, S)
    Tensor out = denoise(xt, process.modelTime(t), agnostic, mask, dropGarment(garment, drop), f);
    return torch.mse_loss(out, process.target(x0, noise, t));
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("unet_vton", denoiser);
    if (outfitting != null) p.add("unet_garm", outfitting);
    return p.add("garment_encoder.conv1", encConv1).add("garment_encoder.conv2", encConv2).add("garment_encoder.proj", encProj)
        .add("category_embedding", categoryEmbedding).map();
  }
}
