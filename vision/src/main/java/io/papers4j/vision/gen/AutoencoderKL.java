package io.papers4j.vision.gen;

import io.papers4j.core.nn.Conv2d;
import io.papers4j.core.nn.GroupNorm;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.unet.Downsample2D;
import io.papers4j.core.nn.unet.ResnetBlock2D;
import io.papers4j.core.nn.unet.Upsample2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A KL-regularised latent autoencoder in the layout of diffusers' {@code AutoencoderKL} (the LDM /
 * SD / SD3 VAE), small, without the mid-block attention ({@code mid_block_add_attention=false}):
 *
 * <pre>
 * x (B, C, S, S) in [−1, 1]
 * encoder.conv_in                          (B, w₀, S, S)
 * encoder.down_blocks.i.resnets.j          layers_per_block ResnetBlock2D per level
 * encoder.down_blocks.i.downsamplers.0     stride-2 conv, all but the last level → (B, w_last, S/f, S/f)
 * encoder.mid_block.resnets.{0,1}
 * encoder.conv_norm_out, SiLU, conv_out    (B, 2·L, S/f, S/f)
 * quant_conv (1×1)                         moments: mean, log-variance (clamped to [−30, 20]) (B, L, S/f, S/f) each
 * z = mean + exp(½ logvar)·ε               (sampling in training; the mean for reconstruction)
 * post_quant_conv (1×1)                    (B, L, S/f, S/f)
 * decoder.conv_in, decoder.mid_block.resnets.{0,1}
 * decoder.up_blocks.i.resnets.j            layers_per_block + 1 per level, widths reversed
 * decoder.up_blocks.i.upsamplers.0         nearest ×2 then conv, all but the last level
 * decoder.conv_norm_out, SiLU, conv_out    (B, C, S, S)
 * </pre>
 *
 * Loss (LDM's, with sums over pixels and latents both divided by the pixel count C·S·S):
 * MSE(x̂, x) + β·KL(q(z|x) ‖ N(0, I)), KL = ½ Σ (μ² + σ² − 1 − log σ²). One difference from
 * diffusers: its encoder downsamplers pad (0, 1, 0, 1) before a padding-0 conv, ours pad 1 on every
 * side (same shapes and tensor names, slightly different numbers).
 */
public final class AutoencoderKL implements Parameterized {
  private static final double GN_EPS = 1e-6;

  private final AutoencoderConfig config;

  // encoder
  private final Conv2d encConvIn;
  private final List<List<ResnetBlock2D>> encResnets = new ArrayList<>();
  private final List<Downsample2D> encDown = new ArrayList<>();
  private final ResnetBlock2D[] encMid = new ResnetBlock2D[2];
  private final GroupNorm encNormOut;
  private final Conv2d encConvOut;
  private final Conv2d quantConv;
  // decoder
  private final Conv2d postQuantConv;
  private final Conv2d decConvIn;
  private final ResnetBlock2D[] decMid = new ResnetBlock2D[2];
  private final List<List<ResnetBlock2D>> decResnets = new ArrayList<>();
  private final List<Upsample2D> decUp = new ArrayList<>();
  private final GroupNorm decNormOut;
  private final Conv2d decConvOut;

  /** The diagonal Gaussian q(z|x): mean and log-variance (B, L, S/f, S/f). */
  public record Posterior(Tensor mean, Tensor logvar) {
    public Tensor sample() {
      return mean.add(torch.exp(logvar.mul(new Scalar(0.5))).mul(torch.randn_like(mean)));
    }

    /** KL(q ‖ N(0, I)) summed over latent elements, per image (B). */
    public Tensor kl() {
      return mean.pow(new Scalar(2)).add(logvar.exp()).sub(new Scalar(1.0)).sub(logvar).mul(new Scalar(0.5)).flatten(1, -1).sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
    }
  }

  public AutoencoderKL(AutoencoderConfig config, long seed) {
    this.config = config;
    Init init = Init.normal(seed, 0.05);
    int[] w = config.blockOutChannels();
    int g = config.normGroups(), levels = w.length, latent = config.latentChannels();
    encConvIn = new Conv2d(config.inChannels(), w[0], 3, init);
    int prev = w[0];
    for (int i = 0; i < levels; i++) {
      List<ResnetBlock2D> r = new ArrayList<>();
      for (int j = 0; j < config.layersPerBlock(); j++) r.add(new ResnetBlock2D(j == 0 ? prev : w[i], w[i], 0, g, GN_EPS, init));
      encResnets.add(r);
      if (i < levels - 1) encDown.add(new Downsample2D(w[i], init));
      prev = w[i];
    }
    int top = w[levels - 1];
    for (int k = 0; k < 2; k++) encMid[k] = new ResnetBlock2D(top, top, 0, g, GN_EPS, init);
    encNormOut = new GroupNorm(g, top, GN_EPS, true, init);
    encConvOut = new Conv2d(top, 2L * latent, 3, init);
    quantConv = new Conv2d(2L * latent, 2L * latent, 1, 1, 1, 0, true, init);

    postQuantConv = new Conv2d(latent, latent, 1, 1, 1, 0, true, init);
    decConvIn = new Conv2d(latent, top, 3, init);
    for (int k = 0; k < 2; k++) decMid[k] = new ResnetBlock2D(top, top, 0, g, GN_EPS, init);
    prev = top;
    for (int i = 0; i < levels; i++) {
      int out = w[levels - 1 - i];
      List<ResnetBlock2D> r = new ArrayList<>();
      for (int j = 0; j <= config.layersPerBlock(); j++) r.add(new ResnetBlock2D(j == 0 ? prev : out, out, 0, g, GN_EPS, init));
      decResnets.add(r);
      if (i < levels - 1) decUp.add(new Upsample2D(out, init));
      prev = out;
    }
    decNormOut = new GroupNorm(g, w[0], GN_EPS, true, init);
    decConvOut = new Conv2d(w[0], config.inChannels(), 3, init);
  }

  public AutoencoderConfig config() {
    return config;
  }

  /** x (B, C, S, S) in [−1, 1] → q(z|x). */
  public Posterior encode(Tensor x) {
    checkImages(x);
    Tensor h = encConvIn.forward(x); // (B, w0, S, S)
    for (int i = 0; i < encResnets.size(); i++) {
      for (ResnetBlock2D r : encResnets.get(i)) h = r.forward(h, null);
      if (i < encDown.size()) h = encDown.get(i).forward(h); // (B, wi, S/2^(i+1), ...)
    }
    for (ResnetBlock2D r : encMid) h = r.forward(h, null); // (B, w_last, S/f, S/f)
    h = encConvOut.forward(torch.silu(encNormOut.forward(h))); // (B, 2L, S/f, S/f)
    Tensor moments = quantConv.forward(h); // (B, 2L, S/f, S/f)
    long l = config.latentChannels();
    Tensor logvar = moments.narrow(1, l, l).clamp(new ScalarOptional(new Scalar(-30.0)), new ScalarOptional(new Scalar(20.0)));
    return new Posterior(moments.narrow(1, 0, l), logvar);
  }

  /** z (B, L, S/f, S/f) → x̂ (B, C, S, S), unbounded (≈ [−1, 1] once trained). */
  public Tensor decode(Tensor z) {
    if (z.dim() != 4 || z.size(1) != config.latentChannels()) {
      throw new IllegalArgumentException("latents must be (B, " + config.latentChannels() + ", h, w), got " + Arrays.toString(z.shape()));
    }
    Tensor h = decConvIn.forward(postQuantConv.forward(z)); // (B, w_last, S/f, S/f)
    for (ResnetBlock2D r : decMid) h = r.forward(h, null);
    for (int i = 0; i < decResnets.size(); i++) {
      for (ResnetBlock2D r : decResnets.get(i)) h = r.forward(h, null);
      if (i < decUp.size()) h = decUp.get(i).forward(h); // ×2
    }
    return decConvOut.forward(torch.silu(decNormOut.forward(h))); // (B, C, S, S)
  }

  /** The training loss: MSE + β·KL/(C·S·S), on a sampled z; returns (loss, mse, kl per image). */
  public Tensor[] loss(Tensor x, double klWeight) {
    Posterior q = encode(x);
    Tensor recon = decode(q.sample());
    Tensor mse = torch.mse_loss(recon, x);
    Tensor kl = q.kl().mean(); // per image, summed over latents
    double pixels = (double) x.size(1) * x.size(2) * x.size(3);
    return new Tensor[] {mse.add(kl.mul(new Scalar(klWeight / pixels))), mse, kl};
  }

  /** Deterministic reconstruction through the posterior mean. */
  public Tensor reconstruct(Tensor x) {
    return decode(encode(x).mean());
  }

  private void checkImages(Tensor x) {
    int f = config.factor();
    if (x.dim() != 4 || x.size(1) != config.inChannels() || x.size(2) % f != 0 || x.size(3) % f != 0 || x.size(2) < f) {
      throw new IllegalArgumentException("this autoencoder takes images (B, " + config.inChannels() + ", H, W) with H and W multiples of " + f
          + " (trained at " + config.sampleSize() + "×" + config.sampleSize() + "), got " + Arrays.toString(x.shape()));
    }
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("encoder.conv_in", encConvIn);
    for (int i = 0; i < encResnets.size(); i++) {
      for (int j = 0; j < encResnets.get(i).size(); j++) p.add("encoder.down_blocks." + i + ".resnets." + j, encResnets.get(i).get(j));
      if (i < encDown.size()) p.add("encoder.down_blocks." + i + ".downsamplers.0", encDown.get(i));
    }
    for (int k = 0; k < 2; k++) p.add("encoder.mid_block.resnets." + k, encMid[k]);
    p.add("encoder.conv_norm_out", encNormOut).add("encoder.conv_out", encConvOut).add("quant_conv", quantConv);
    p.add("post_quant_conv", postQuantConv).add("decoder.conv_in", decConvIn);
    for (int k = 0; k < 2; k++) p.add("decoder.mid_block.resnets." + k, decMid[k]);
    for (int i = 0; i < decResnets.size(); i++) {
      for (int j = 0; j < decResnets.get(i).size(); j++) p.add("decoder.up_blocks." + i + ".resnets." + j, decResnets.get(i).get(j));
      if (i < decUp.size()) p.add("decoder.up_blocks." + i + ".upsamplers.0", decUp.get(i));
    }
    p.add("decoder.conv_norm_out", decNormOut).add("decoder.conv_out", decConvOut);
    return p.map();
  }
}
