package io.papers4j.core.nn.unet;

import io.papers4j.core.nn.Conv2d;
import io.papers4j.core.nn.GroupNorm;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * diffusers' {@code ResnetBlock2D} (DDPM's residual block, no dropout, output scale 1):
 *
 * <pre>h = conv1(SiLU(norm1(x)));  h = h + time_emb_proj(SiLU(temb))[:, :, None, None]
 * h = conv2(SiLU(norm2(h)));     y = shortcut(x) + h</pre>
 *
 * <p>Shapes: x (B, in, H, W), temb (B, T) → y (B, out, H, W). The shortcut is a 1×1 {@code
 * conv_shortcut} when in ≠ out, else the identity. Names: {@code norm1, conv1, time_emb_proj, norm2,
 * conv2, conv_shortcut}.
 */
public final class ResnetBlock2D implements Parameterized {
  public final GroupNorm norm1; // (in)
  public final Conv2d conv1; // (out, in, 3, 3)
  public final Linear timeEmbProj; // (out, T) or null without a time embedding
  public final GroupNorm norm2; // (out)
  public final Conv2d conv2; // (out, out, 3, 3)
  public final Conv2d convShortcut; // (out, in, 1, 1) or null

  public ResnetBlock2D(long in, long out, long tembChannels, int groups, double eps, Init init) {
    this.norm1 = new GroupNorm(groups, in, eps, true, init);
    this.conv1 = new Conv2d(in, out, 3, init);
    this.timeEmbProj = tembChannels > 0 ? new Linear(tembChannels, out, true, init) : null;
    this.norm2 = new GroupNorm(groups, out, eps, true, init);
    this.conv2 = new Conv2d(out, out, 3, init);
    this.convShortcut = in != out ? new Conv2d(in, out, 1, 1, 1, 0, true, init) : null;
  }

  /** x (B, in, H, W), temb (B, T) or null → (B, out, H, W). */
  public Tensor forward(Tensor x, Tensor temb) {
    Tensor h = conv1.forward(torch.silu(norm1.forward(x))); // (B, out, H, W)
    if (timeEmbProj != null && temb != null) {
      h = h.add(timeEmbProj.forward(torch.silu(temb)).unsqueeze(2).unsqueeze(3)); // + (B, out, 1, 1)
    }
    h = conv2.forward(torch.silu(norm2.forward(h))); // (B, out, H, W)
    Tensor skip = convShortcut == null ? x : convShortcut.forward(x); // (B, out, H, W)
    return skip.add(h);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("norm1", norm1).add("conv1", conv1);
    if (timeEmbProj != null) p.add("time_emb_proj", timeEmbProj);
    p.add("norm2", norm2).add("conv2", conv2);
    if (convShortcut != null) p.add("conv_shortcut", convShortcut);
    return p.map();
  }
}
