package io.papers4j.vision.tryon;

import org.bytedeco.pytorch.global.torch;

/**
 * The convolution kernels for the duration of a call, restoring the previous setting on close.
 *
 * <p>Measured on the 2 shared cores (load average about 5): a try-on training step (widths 16, 32,
 * 32, batch 8, fusion arm) took 2,849 ms with libtorch's own convolutions on 2 threads, 546 ms with
 * oneDNN (mkldnn) on 1 thread and 670 ms with oneDNN on 2 threads; but with oneDNN the try-on UNets'
 * loss went NaN (spec widths, 2 threads: step 3; widths 16, 32, 32, batch 8, 1 thread: step 4; tiny
 * widths at batch 2 and 4, 1 thread: steps 1 and 0), the problem docs/generative-toolkit.md
 * describes for the autoencoder. The UNets therefore run on libtorch's own kernels ({@link
 * #libtorch}); the evaluation classifier (no strided convolutions, no NaN seen) trains on oneDNN with
 * one thread ({@link #oneDnnSingleThread}), where its loss is checked for finiteness every step.
 */
final class Kernels implements AutoCloseable {
  private final boolean mkldnn;
  private final int threads;

  private Kernels(boolean oneDnn, int threads) {
    this.mkldnn = torch.globalContext().userEnabledMkldnn();
    this.threads = torch.get_num_threads();
    torch.globalContext().setUserEnabledMkldnn(oneDnn);
    if (threads > 0) torch.set_num_threads(threads);
  }

  /** oneDNN convolutions on one intra-op thread. */
  static Kernels oneDnnSingleThread() {
    return new Kernels(true, 1);
  }

  /** libtorch's own convolutions (oneDNN off), the intra-op threads unchanged. */
  static Kernels libtorch() {
    return new Kernels(false, 0);
  }

  @Override
  public void close() {
    torch.globalContext().setUserEnabledMkldnn(mkldnn);
    torch.set_num_threads(threads);
  }
}
