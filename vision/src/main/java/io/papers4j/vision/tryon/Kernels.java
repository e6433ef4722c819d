package io.papers4j.vision.tryon;

import org.bytedeco.pytorch.global.torch;

/**
 * oneDNN (mkldnn) convolutions on one intra-op thread for the duration of a call, restoring the
 * previous settings on close; used only to train the texture classifier.
 *
 * <p>Everything else runs on libtorch's own convolutions, which {@code core.tensor.Engine} selects
 * for the JVM: oneDNN's AVX-512 kernels read unzeroed padding when a channel count is not a multiple
 * of 16 (the try-on UNets' NaN losses; see {@code Engine.configureKernels}). The classifier's
 * convolutions (3 → 32 → 64 channels) need no padded channel block beyond the image's own input: 20
 * of 20 poisoned-memory trials of its shapes gave finite outputs and gradients on 1 and on 2 threads,
 * and its loss is checked for finiteness every step. Measured on the 2 shared cores (load average
 * about 5), a try-on UNet step took 546 ms with oneDNN on 1 thread against 2,849 ms with libtorch's
 * own kernels on 2 threads, so the classifier keeps the fast path.
 */
final class Kernels implements AutoCloseable {
  private final boolean mkldnn;
  private final int threads;

  private Kernels() {
    this.mkldnn = torch.globalContext().userEnabledMkldnn();
    this.threads = torch.get_num_threads();
    torch.globalContext().setUserEnabledMkldnn(true);
    torch.set_num_threads(1);
  }

  /** oneDNN convolutions on one intra-op thread. */
  static Kernels oneDnnSingleThread() {
    return new Kernels();
  }

  @Override
  public void close() {
    torch.globalContext().setUserEnabledMkldnn(mkldnn);
    torch.set_num_threads(threads);
  }
}
