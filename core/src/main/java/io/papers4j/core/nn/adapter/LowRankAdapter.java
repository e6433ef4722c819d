package io.papers4j.core.nn.adapter;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.WeightAdapter;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The paper's "Low-Rank" baseline: the weight itself is factorised, W = B·A with B (out × r) and A
 * (r × in) both trained from scratch, so W never leaves a rank-r set (paper Table 2: far worse
 * perplexity at similar memory).
 *
 * <pre>y = (x·Aᵀ)·Bᵀ + b</pre>
 *
 * Both factors start N(0, σ²) with σ² = s/√r, where s is the dense layer's init std, so that the
 * product's entries have variance r·σ⁴ = s² like the dense initialisation. The dense weight is
 * released on installation (its tensor keeps the shape over one shared zero): it is no longer a parameter. Tensor names:
 * {@code lowrank_A.weight}, {@code lowrank_B.weight}, {@code bias}.
 */
public final class LowRankAdapter implements WeightAdapter {
  private final Tensor a; // (r, in)
  private final Tensor b; // (out, r)

  /** Replaces {@code base}'s weight by B·A of rank {@code rank}; {@code std} = dense init std. */
  public static LowRankAdapter install(Linear base, int rank, double std, long seed) {
    if (rank <= 0) throw new IllegalArgumentException("low-rank rank must be > 0, got " + rank);
    Init init = Init.normal(seed, Math.sqrt(std / Math.sqrt(rank)));
    LowRankAdapter adapter =
        new LowRankAdapter(init.weights(rank, base.inFeatures()), init.weights(base.outFeatures(), rank));
    base.setAdapter(adapter);
    try (NoGradGuard g = new NoGradGuard()) {
      base.weight.set_requires_grad(false);
      // the dense W is released: keep its shape (callers ask for in/out features) over a single
      // zero element with stride 0, so only B and A hold memory
      long out = base.outFeatures(), in = base.inFeatures();
      base.weight.set_(torch.zeros(1).storage(), 0, new long[] {out, in}, 0L, 0L);
    }
    return adapter;
  }

  private LowRankAdapter(Tensor a, Tensor b) {
    this.a = a;
    this.b = b;
  }

  @Override
  public Tensor forward(Linear base, Tensor x) {
    Tensor low = torch.linear(x, a); // (…, r)
    return base.bias == null ? torch.linear(low, b)
        : torch.linear(low, b, new TensorOptional(base.bias)); // (…, out)
  }

  @Override
  public Map<String, Tensor> namedParameters(Linear base) {
    return new Params().add("lowrank_A.weight", a).add("lowrank_B.weight", b)
        .add("bias", base.bias).map();
  }
}
