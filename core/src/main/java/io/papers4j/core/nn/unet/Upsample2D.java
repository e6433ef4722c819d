package io.papers4j.core.nn.unet;

import io.papers4j.core.nn.Conv2d;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * diffusers' {@code Upsample2D} with a convolution: nearest-neighbour ×2, then a 3×3 conv,
 * (B, C, H, W) → (B, C, 2H, 2W). Name {@code conv}.
 */
public final class Upsample2D implements Parameterized {
  public final Conv2d conv; // (C, C, 3, 3)

  public Upsample2D(long channels, Init init) {
    this.conv = new Conv2d(channels, channels, 3, init);
  }

  public Tensor forward(Tensor x) {
    Tensor up = torch.upsample_nearest2d(x, new long[] {x.size(2) * 2, x.size(3) * 2}); // (B, C, 2H, 2W)
    return conv.forward(up);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("conv", conv).map();
  }
}
