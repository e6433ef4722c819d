package io.papers4j.core.nn.pos;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Keeps the tables an {@link PositionEncoding.AtPositions} builds alive for the whole forward pass.
 * They are built on the first layer's call, and a model that runs each layer in its own PointerScope
 * (LlamaModel in inference) would free them with that layer's scope: every later layer then built
 * them again, about 16 native calls per layer and step. Attached to the scope that was open when the
 * pass bound its positions, they live as long as the pass's other tensors.
 */
final class PassTables {
  private final PointerScope home; // the scope open at bind time, or null

  PassTables() {
    this.home = PointerScope.getInnerScope();
  }

  /**
   * Attaches {@code tables} to the bind-time scope when a narrower scope is open now and the
   * bind-time one is still open on this thread (else the tables stay where they were made).
   */
  void keep(Tensor... tables) {
    if (home == null || PointerScope.getInnerScope() == home || !open()) return;
    for (Tensor t : tables) home.attach(t);
  }

  private boolean open() {
    for (java.util.Iterator<PointerScope> it = PointerScope.getScopeIterator(); it != null && it.hasNext(); ) {
      if (it.next() == home) return true;
    }
    return false;
  }
}
