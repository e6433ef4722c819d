package io.papers4j.core.nn.unet;

import io.papers4j.core.nn.Conv2d;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * diffusers' {@code Downsample2D} with a convolution: a 3×3 conv with stride 2 and padding 1,
 * (B, C, H, W) → (B, C, ⌈H/2⌉, ⌈W/2⌉). Name {@code conv}.
 */
public final class Downsample2D implements Parameterized {
  public final Conv2d conv; // (C, C, 3, 3)

  public Downsample2D(long channels, Init init) {
    this.conv = new Conv2d(channels, channels, 3, 3, 2, 1, true, init);
  }

  public Tensor forward(Tensor x) {
    return conv.forward(x); // (B, C, H/2, W/2)
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("conv", conv).map();
  }
}
