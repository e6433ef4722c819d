package io.papers4j.core.optim;

import org.bytedeco.pytorch.Tensor;

/**
 * Optimizer state outlives the {@code PointerScope} of the training step that creates it (moments are
 * allocated lazily at the first step, projectors are refreshed mid-training). {@link #keep} takes one
 * extra native reference so that closing the scope does not free the tensor; {@link #drop} gives it
 * back when the state is replaced.
 */
public final class LongLived {
  private LongLived() {}

  /** Keeps {@code t} alive past the enclosing {@code PointerScope}; returns it. */
  public static Tensor keep(Tensor t) {
    t.retainReference();
    return t;
  }

  /** Releases a tensor returned by {@link #keep} (no-op for null). */
  public static void drop(Tensor t) {
    if (t != null && !t.isNull()) t.releaseReference();
  }
}
