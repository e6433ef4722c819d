package io.papers4j.vision.iwm;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.core.nn.vision.PatchEmbed;
import io.papers4j.core.nn.vision.VisionBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Image World Model (Garrido et al. 2024): a JEPA whose predictor is a world model conditioned on
 * the photometric action a_{x→y}.
 *
 * <pre>context z_x = f_θ(x)[context idx]                         // (B, Nc, C)  ViT on visible tokens
 * target  z_y = LN(f_θ̄(y))[target idx]                          // (B, Nt, C)  EMA encoder, full image
 * pred      = p_φ(z_x, a, target idx)                           // (B, Nt, C)
 * loss      = mean_j ‖pred_j − z_y,j‖² / C</pre>
 *
 * The predictor projects the context to its width, appends one mask token (+ its position
 * embedding) per target position and conditions on a by feature conditioning (each mask token
 * concatenated with a, then a 3-layer MLP) or sequence conditioning (one token per action scalar,
 * a_i·w_i + b_i); ViT blocks from {@code core.nn.vision}; a final norm and a projection back to C.
 */
public final class IwmModel implements Parameterized {
  /** The ViT encoder: patch embedding, learned position embedding, blocks, final LayerNorm. */
  public static final class Encoder implements Parameterized {
    final PatchEmbed patchEmbed;
    final Tensor pos; // (1, N, C)
    final List<VisionBlock> blocks = new ArrayList<>();
    final LayerNorm norm;

    Encoder(IwmConfig c, Init init) {
      patchEmbed = new PatchEmbed(3, c.dim(), c.patch(), init);
      pos = init.weights(1, c.tokens(), c.dim());
      var bc = new VisionBlock.Config(c.dim(), c.heads(), 4 * c.dim(), "layernorm", false, 0);
      for (int i = 0; i < c.depth(); i++) blocks.add(new VisionBlock(bc, PositionEncoding.NONE, init));
      norm = new LayerNorm(c.dim(), 1e-6, true, init);
    }

    /**
     * images (B, 3, H, W) in [0, 1], keep (B, n) token indices or null for all → (B, n, C). The
     * images are first normalised with ImageNet's channel mean and std, as in I-JEPA's pipeline:
     * without it the patch embedding of [0, 1] pixels carries little image content next to the
     * position embedding, and the EMA target collapsed to position-only features within a few
     * hundred steps (issue 18).
     */
    public Tensor forward(Tensor images, Tensor keep) {
      Tensor mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1);
      Tensor x = PatchEmbed.tokens(patchEmbed.forward(images.sub(mean).div(std))).add(pos); // (B, N, C)
      if (keep != null) x = gather(x, keep); // (B, n, C)
      for (VisionBlock b : blocks) x = b.forward(x, null);
      return norm.forward(x);
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      Params p = new Params().add("patch_embed", patchEmbed).add("pos_embed", pos);
      for (int i = 0; i < blocks.size(); i++) p.add("blocks." + i, blocks.get(i));
      return p.add("norm", norm).map();
    }
  }

  /** The predictor (world model). */
  public static final class Predictor implements Parameterized {
    final IwmConfig c;
    final Linear embed; // (P, C)
    final Tensor maskToken; // (1, 1, P)
    final Tensor pos; // (1, N, P)
    final Linear cond1, cond2, cond3; // feature conditioning MLP: (P+A) → P → P → P
    final Tensor actionW, actionB; // sequence conditioning: (A, P) each
    final List<VisionBlock> blocks = new ArrayList<>();
    final LayerNorm norm;
    final Linear proj; // (C, P)

    Predictor(IwmConfig c, Init init) {
      this.c = c;
      int p = c.predDim();
      embed = new Linear(c.dim(), p, true, init);
      maskToken = init.weights(1, 1, p);
      pos = init.weights(1, c.tokens(), p);
      boolean feature = c.conditioning().equals("feature");
      cond1 = feature ? new Linear(p + Actions.DIM, p, true, init) : null;
      cond2 = feature ? new Linear(p, p, true, init) : null;
      cond3 = feature ? new Linear(p, p, true, init) : null;
      boolean sequence = c.conditioning().equals("sequence");
      actionW = sequence ? init.weights(Actions.DIM, p) : null;
      actionB = sequence ? init.zeros(Actions.DIM, p) : null;
      var bc = new VisionBlock.Config(p, c.predHeads(), 4 * p, "layernorm", false, 0);
      for (int i = 0; i < c.predDepth(); i++) blocks.add(new VisionBlock(bc, PositionEncoding.NONE, init));
      norm = new LayerNorm(p, 1e-6, true, init);
      proj = new Linear(p, c.dim(), true, init);
    }

    /** context (B, Nc, C) at {@code ctxIdx} (B, Nc), action (B, A) → predictions (B, Nt, C) at tgtIdx (B, Nt). */
    public Tensor forward(Tensor context, Tensor ctxIdx, Tensor action, Tensor tgtIdx) {
      long b = context.size(0), nc = context.size(1), nt = tgtIdx.size(1);
      Tensor posB = pos.expand(b, -1, -1);
      Tensor ctx = embed.forward(context).add(gather(posB, ctxIdx)); // (B, Nc, P)
      Tensor mask = maskToken.expand(b, nt, -1).add(gather(posB, tgtIdx)); // (B, Nt, P)
      Tensor seq;
      if (cond1 != null) {
        Tensor a = action.unsqueeze(1).expand(b, nt, -1); // (B, Nt, A)
        Tensor h = torch.cat(new TensorVector(mask, a), 2); // (B, Nt, P+A)
        mask = cond3.forward(torch.gelu(cond2.forward(torch.gelu(cond1.forward(h))))); // (B, Nt, P)
        seq = torch.cat(new TensorVector(ctx, mask), 1);
      } else if (actionW != null) {
        Tensor act = action.unsqueeze(2).mul(actionW).add(actionB); // (B, A, P)
        seq = torch.cat(new TensorVector(ctx, mask, act), 1);
      } else {
        seq = torch.cat(new TensorVector(ctx, mask), 1); // (B, Nc+Nt, P)
      }
      for (VisionBlock blk : blocks) seq = blk.forward(seq, null);
      Tensor out = seq.narrow(1, nc, nt); // the mask-token outputs (B, Nt, P)
      return proj.forward(norm.forward(out)); // (B, Nt, C)
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      Params p = new Params().add("embed", embed).add("mask_token", maskToken).add("pos_embed", pos);
      if (cond1 != null) p.add("cond.0", cond1).add("cond.1", cond2).add("cond.2", cond3);
      p.add("action_embed.weight", actionW).add("action_embed.bias", actionB);
      for (int i = 0; i < blocks.size(); i++) p.add("blocks." + i, blocks.get(i));
      return p.add("norm", norm).add("proj", proj).map();
    }
  }

  /** ImageNet channel statistics (torchvision / I-JEPA normalisation). */
  static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  private final IwmConfig config;
  public final Encoder encoder;
  public final Encoder target; // EMA copy, no gradients
  public final Predictor predictor;

  public IwmModel(IwmConfig config, long seed) {
    this.config = config;
    this.encoder = new Encoder(config, Init.normal(seed, 0.02));
    this.target = new Encoder(config, Init.normal(seed, 0.02));
    this.predictor = new Predictor(config, Init.normal(seed + 1, 0.02));
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor t : target.namedParameters().values()) t.set_requires_grad(false);
    }
  }

  public IwmConfig config() {
    return config;
  }

  /** x (B, N, C), idx (B, n) long → (B, n, C). */
  static Tensor gather(Tensor x, Tensor idx) {
    return torch.gather(x, 1, idx.unsqueeze(2).expand(-1, -1, x.size(2)));
  }

  /** Layer-normed target-encoder features of y at tgtIdx (no gradient): (B, Nt, C). */
  public Tensor targets(Tensor y, Tensor tgtIdx) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor z = target.forward(y, null);
      z = torch.layer_norm(z, new long[] {config.dim()}, new TensorOptional(), new TensorOptional(), 1e-6, false);
      return gather(z, tgtIdx);
    }
  }

  /** Predictions (B, Nt, C) from the source x, the action and the masks. */
  public Tensor predict(Tensor x, Tensor action, Tensor ctxIdx, Tensor tgtIdx) {
    return predictor.forward(encoder.forward(x, ctxIdx), ctxIdx, action, tgtIdx);
  }

  /** The IWM loss: mean over target tokens of ‖pred − LN(target)‖² / C. */
  public Tensor loss(Tensor x, Tensor y, Tensor action, Tensor ctxIdx, Tensor tgtIdx) {
    Tensor z = targets(y, tgtIdx);
    return predict(x, action, ctxIdx, tgtIdx).sub(z).pow(new org.bytedeco.pytorch.Scalar(2.0)).mean();
  }

  /** Trainable parameters: encoder and predictor (the target encoder is updated by EMA). */
  public Map<String, Tensor> trainable() {
    return new Params().add("encoder", encoder).add("predictor", predictor).map();
  }

  /** θ̄ ← m·θ̄ + (1 − m)·θ. */
  public void emaUpdate(double m) {
    Ema.update(new ArrayList<>(target.namedParameters().values()), new ArrayList<>(encoder.namedParameters().values()), m);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("encoder", encoder).add("target_encoder", target).add("predictor", predictor).map();
  }
}
