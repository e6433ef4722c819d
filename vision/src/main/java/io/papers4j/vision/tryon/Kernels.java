package io.papers4j.vision.tryon;

import org.bytedeco.pytorch.global.torch;

/**
 * The convolution kernels the try-on runs on, for the duration of a training or sampling call:
 * oneDNN (mkldnn) convolutions with one intra-op thread, restoring the previous setting on close.
 *
 * <p>Measured on the 2 shared cores (load average about 5): a try-on training step (widths 16, 32,
 * 32, batch 8, fusion arm) took 2,849 ms with libtorch's own convolutions on 2 threads (oneDNN off,
 * as vision.gen's autoencoder sets it), 546 ms with oneDNN on 1 thread and 670 ms with oneDNN on 2
 * threads; but with oneDNN on 2 threads the default-width model's loss went NaN at step 3 (the
 * oneDNN NaN of docs/generative-toolkit.md). One thread with oneDNN gave finite losses in every run.
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

  static Kernels oneDnnSingleThread() {
    return new Kernels();
  }

  @Override
  public void close() {
    torch.globalContext().setUserEnabledMkldnn(mkldnn);
    torch.set_num_threads(threads);
  }
}
