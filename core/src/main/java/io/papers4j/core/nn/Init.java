package io.papers4j.core.nn;

import io.papers4j.core.tensor.Engine;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Deterministic parameter initialisation, the Hugging Face scheme: every weight matrix and
 * embedding is drawn from N(0, std²) with {@code std = initializer_range} (0.02 for LLaMA), norm
 * gains start at 1 and biases at 0.
 *
 * <p>An {@code Init} owns its own CPU random generator seeded from the caller's seed, so a model
 * built twice with the same seed and the same construction order has bit-identical weights,
 * independent of libtorch's global generator. Parameters are created as leaf tensors with {@code
 * requires_grad = true}.
 */
public final class Init {
  static {
    Engine.configureKernels(); // every parameter is made here: no model convolves before this runs
  }

  private final Generator generator;
  private final double std;
  private final ScalarType dtype;

  private Init(long seed, double std, ScalarType dtype) {
    if (!(std >= 0)) throw new IllegalArgumentException("init std must be >= 0, got " + std);
    this.generator = torch.createCPUGenerator(seed);
    this.std = std;
    this.dtype = dtype;
  }

  /** N(0, std²) weights in float32 from a generator seeded with {@code seed}. */
  public static Init normal(long seed, double std) {
    return new Init(seed, std, ScalarType.Float);
  }

  /** The same scheme in another dtype (float64 for finite-difference tests). */
  public static Init normal(long seed, double std, ScalarType dtype) {
    return new Init(seed, std, dtype);
  }

  public double std() {
    return std;
  }

  public ScalarType dtype() {
    return dtype;
  }

  /** A new trainable tensor of {@code shape} drawn from N(0, std²). */
  public Tensor weights(long... shape) {
    Tensor t =
        torch.normal(0.0, std, shape, new GeneratorOptional(generator), options());
    return t.set_requires_grad(true);
  }

  /** A new trainable tensor of ones (norm gains). */
  public Tensor ones(long... shape) {
    return torch.ones(shape, options()).set_requires_grad(true);
  }

  /** A new trainable tensor of zeros (biases). */
  public Tensor zeros(long... shape) {
    return torch.zeros(shape, options()).set_requires_grad(true);
  }

  private TensorOptions options() {
    return new TensorOptions().dtype(new ScalarTypeOptional(dtype));
  }
}
