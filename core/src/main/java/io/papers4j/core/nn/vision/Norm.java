package io.papers4j.core.nn.vision;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.RMSNorm;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * LayerNorm (with bias, eps 1e-6, VisionLLaMA's and ViT's choice) or RMSNorm (eps 1e-6), behind one
 * type; {@code kind} is "layernorm" or "rmsnorm".
 */
public final class Norm implements Parameterized {
  private final LayerNorm layerNorm;
  private final RMSNorm rmsNorm;

  public Norm(String kind, long dim, Init init) {
    if (!kind.equals("layernorm") && !kind.equals("rmsnorm")) {
      throw new IllegalArgumentException("norm must be layernorm or rmsnorm, got " + kind);
    }
    this.layerNorm = kind.equals("layernorm") ? new LayerNorm(dim, 1e-6, true, init) : null;
    this.rmsNorm = kind.equals("rmsnorm") ? new RMSNorm(dim, 1e-6, init) : null;
  }

  public Tensor forward(Tensor x) {
    return layerNorm != null ? layerNorm.forward(x) : rmsNorm.forward(x);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return layerNorm != null ? layerNorm.namedParameters() : rmsNorm.namedParameters();
  }
}
