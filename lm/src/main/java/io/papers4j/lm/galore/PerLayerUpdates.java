package io.papers4j.lm.galore;

import io.papers4j.core.optim.Optimizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.VoidTensorHook;

/**
 * Per-layer weight updates (GaLore §4.3 / the official {@code --optimizer galore_adamw8bit_per_layer}):
 * each parameter is updated inside the backward pass as soon as its gradient is ready, so the
 * gradients of the whole model are never alive at once.
 *
 * <p>How, in libtorch-Java: PyTorch's {@code register_post_accumulate_grad_hook} is not mapped by
 * the bytedeco presets, but {@code Tensor.register_hook} is. On a leaf parameter that hook runs just
 * before AccumulateGrad with this backward pass's full gradient of the parameter. We (1) release
 * the {@code .grad} of every parameter updated earlier in this pass (its AccumulateGrad has run by
 * now), and (2) apply the wrapped optimizer's update to the parameter from the hook's gradient.
 * Updating in place during backward is safe because the node that used the weight has already
 * computed its input gradient, and AccumulateGrad (hence the hook) runs only after every use of
 * the weight has contributed its part (tied embeddings included). At most the gradients of the
 * parameters whose hooks just ran are alive: the memory of the official hook,
 * which sets {@code p.grad = None} right after the update. {@link #step()} releases the last ones.
 *
 * <p>Limits (as in the official code): no gradient clipping (the global norm is never available)
 * and no gradient accumulation — every backward pass updates the weights. A second gradient for
 * the same parameter before {@link #step()} is detected and {@link #step()} then throws.
 */
public final class PerLayerUpdates implements Optimizer {
  private final GaLoreAdamW inner;
  private final List<VoidTensorHook> hooks = new ArrayList<>(); // kept reachable: native callbacks
  private final List<Tensor> params = new ArrayList<>();
  private final Set<String> updated = new HashSet<>();
  private final List<Tensor> pendingRelease = new ArrayList<>();
  private RuntimeException failure;

  public PerLayerUpdates(GaLoreAdamW inner) {
    this.inner = inner;
    for (String name : inner.parameterNames()) {
      Tensor p = inner.parameter(name);
      params.add(p);
      VoidTensorHook hook =
          new VoidTensorHook() {
            @Override
            public void call(TensorBase grad) {
              onGradient(name, new Tensor(grad));
            }
          };
      hooks.add(hook);
      p.register_hook(hook);
    }
  }

  private void onGradient(String name, Tensor grad) {
    if (failure != null) return;
    try (PointerScope scope = new PointerScope()) {
      if (!updated.add(name)) {
        failure =
            new IllegalStateException(
                "per-layer updates cannot be combined with gradient accumulation: parameter "
                    + name + " received a second gradient before step(); use"
                    + " --grad-accumulation 1 or drop --per-layer");
        return;
      }
      releaseGrads();
      inner.update(name, grad);
      pendingRelease.add(inner.parameter(name));
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /** Frees the .grad of parameters already updated in this backward pass. */
  private void releaseGrads() {
    for (Tensor p : pendingRelease) {
      if (p.grad().defined()) p.mutable_grad().reset();
    }
    pendingRelease.clear();
  }

  /** The updates already happened during backward; this checks for errors and frees gradients. */
  @Override
  public void step() {
    releaseGrads();
    updated.clear();
    if (failure != null) {
      RuntimeException e = failure;
      failure = null;
      throw e;
    }
  }

  @Override
  public void zeroGrad() {
    for (Tensor p : params) {
      if (p.grad().defined()) p.mutable_grad().reset();
    }
  }

  /** The wrapped optimizer. */
  public GaLoreAdamW inner() {
    return inner;
  }

  @Override
  public double learningRate() {
    return inner.learningRate();
  }

  @Override
  public void setLearningRate(double lr) {
    inner.setLearningRate(lr);
  }

  @Override
  public Map<String, Tensor> stateTensors() {
    return inner.stateTensors();
  }

  @Override
  public void loadStateTensors(Map<String, Tensor> state) {
    inner.loadStateTensors(state);
  }

  @Override
  public long stateBytes() {
    return inner.stateBytes();
  }
}
