package io.papers4j.core.nn.adapter;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.WeightAdapter;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * LoRA (Hu et al. 2021) as the GaLore paper's pre-training baseline: W = W₀ + (α/r)·B·A with W₀
 * frozen at its random initialisation, A (r × in) trainable, B (out × r) trainable and zero at the
 * start, so training begins from W₀ exactly.
 *
 * <pre>y = x·W₀ᵀ + (α/r)·(x·Aᵀ)·Bᵀ + b</pre>
 *
 * Tensor names follow PEFT without the adapter name: {@code weight} (W₀, frozen), {@code bias},
 * {@code lora_A.weight}, {@code lora_B.weight}. Memory per matrix: mn (W₀) + 3(m + n)r (A, B and
 * their two Adam moments) — paper Table 1.
 */
public final class LoraAdapter implements WeightAdapter {
  private final Tensor loraA; // (r, in)
  private final Tensor loraB; // (out, r)
  private final double scaling; // α / r

  /**
   * Installs LoRA on {@code base} (which then freezes its weight).
   *
   * @param rank r
   * @param alpha α (32 in the GaLore paper's LoRA baseline)
   * @param init generator for A; A ~ N(0, 1/in) keeps x·Aᵀ at the scale of x, like PEFT's
   *     Kaiming-uniform init
   */
  public static LoraAdapter install(Linear base, int rank, double alpha, long seed) {
    if (rank <= 0) throw new IllegalArgumentException("LoRA rank must be > 0, got " + rank);
    Init init = Init.normal(seed, 1.0 / Math.sqrt(base.inFeatures()));
    LoraAdapter a = new LoraAdapter(init.weights(rank, base.inFeatures()),
        torch.zeros(base.outFeatures(), rank).set_requires_grad(true), alpha / rank);
    base.weight.set_requires_grad(false); // W₀ stays at its initialisation
    base.setAdapter(a);
    return a;
  }

  private LoraAdapter(Tensor loraA, Tensor loraB, double scaling) {
    this.loraA = loraA;
    this.loraB = loraB;
    this.scaling = scaling;
  }

  @Override
  public Tensor forward(Linear base, Tensor x) {
    Tensor frozen = base.bias == null ? torch.linear(x, base.weight)
        : torch.linear(x, base.weight, new TensorOptional(base.bias)); // (…, out)
    Tensor low = torch.linear(torch.linear(x, loraA), loraB); // (…, r) → (…, out)
    return frozen.add(low.mul(new Scalar(scaling)));
  }

  @Override
  public Map<String, Tensor> namedParameters(Linear base) {
    return new Params().add("weight", base.weight).add("bias", base.bias)
        .add("lora_A.weight", loraA).add("lora_B.weight", loraB).map();
  }

  public Tensor loraA() {
    return loraA;
  }

  public Tensor loraB() {
    return loraB;
  }

  public double scaling() {
    return scaling;
  }
}
