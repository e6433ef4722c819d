package io.papers4j.core.tensor;

import org.bytedeco.pytorch.global.torch;

/**
 * The one place where libtorch is set up for papers4j.
 *
 * <p>Handles the engine traps of DESIGN.md once: the thread pools (OpenMP must not spin against
 * OpenBLAS; the launcher and surefire set {@code OMP_WAIT_POLICY=passive}, and {@link #init} warns
 * when it is missing), the intra-op thread count, the convolution kernels ({@link
 * #configureKernels}) and the global seed.
 */
public final class Engine {
  private static volatile boolean initialised;

  static {
    skipPhysicalMemoryCheck();
    configureKernels();
  }

  /** JavaCPP's switch for its resident-memory check ({@link #skipPhysicalMemoryCheck}). */
  static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

  /**
   * Turns off JavaCPP's resident-memory check unless the JVM was given a value: with the default,
   * every native object JavaCPP wraps (each {@code Tensor} an op returns, each {@code Scalar})
   * measures the process's resident memory when it is created, so that it can call {@code
   * System.gc()} above 4× the maximum heap (which is about all of this machine's memory, so the
   * check never fires before the machine runs out anyway). Measured here (libtorch 2.10, 2 cores):
   * a tiny {@code add} with the result released by a {@code PointerScope} took 6.1 µs with the check
   * and 3.9 µs without it, a {@code view} 5.3 and 1.8 µs, a {@code new Scalar} 3.6 and 1.0 µs; a
   * batch-1 decode step of the {@code small} LLaMA creates about 400 such objects. papers4j frees its
   * tensors with {@code PointerScope}s (DESIGN.md), not through the GC, so nothing relies on it.
   * JavaCPP reads the property once, when its {@code Pointer} class loads: the launcher passes it on
   * the command line, and this class, which every model loads before its first tensor, sets it for
   * the Java API and tests; it has no effect if a tensor was created earlier.
   */
  static void skipPhysicalMemoryCheck() {
    if (System.getProperty(MAX_PHYSICAL_BYTES) == null && System.getProperty("org.bytedeco.javacpp.maxphysicalbytes") == null) {
      System.setProperty(MAX_PHYSICAL_BYTES, "0");
    }
  }

  private Engine() {}

  /**
   * The convolution kernels every papers4j model runs on, set when this class loads ({@link
   * io.papers4j.core.nn.Init} and {@link io.papers4j.core.nn.Conv2d} load it, so no model can run a
   * convolution before it) and idempotent:
   *
   * <ul>
   *   <li>NNPACK off: it cannot run on these CPUs, and libtorch would try it and print a warning on
   *       every call.
   *   <li>oneDNN (mkldnn) off, so convolutions run on libtorch's own kernels. Measured cause (libtorch
   *       2.10 as bundled by org.bytedeco:pytorch, AVX-512 CPU): oneDNN's AVX-512 direct convolution
   *       stores channels in blocks of 16 and pads a channel count that is not a multiple of 16 (8 →
   *       16, 24 → 32) in buffers it does not zero, so it reads whatever the allocator's freed memory
   *       held. One plain {@code conv2d} over 8 channels, after NaN-filled tensors were freed, gave
   *       NaN input gradients in 29 of 30 trials with 2 threads and 28 of 30 with 1 thread; over 24
   *       channels the forward output was NaN in 30 of 30; over 16 channels, with oneDNN capped at
   *       AVX2 ({@code ONEDNN_MAX_CPU_ISA=AVX2}) or with oneDNN off, 0 of 30. Without poisoning it
   *       struck at random (3 of 40 single convolutions, whole channels NaN, the finite elements
   *       exact): the NaN losses of the autoencoder, the video UNet, the try-on UNets and the speech
   *       codec. {@code OneDnnPaddingTest} keeps the reproducer.
   * </ul>
   */
  public static void configureKernels() {
    torch.globalContext().setUserEnabledNNPACK(false);
    torch.globalContext().setUserEnabledMkldnn(false);
  }

  /**
   * oneDNN convolutions until {@link OneDnn#close} restores the previous setting, for the speed of
   * oneDNN (a 3×3 classifier trains about 10× faster here than on libtorch's own kernels). Safe for
   * convolutions through {@link io.papers4j.core.nn.Convolutions} (every papers4j layer), which pad
   * channel counts to multiples of 16 while oneDNN is on — no padded channel block, the case measured
   * safe in {@link #configureKernels}; a raw {@code torch.conv2d} over other channel counts is not.
   * The scope must also cover {@code backward()}, which chooses its kernels when it runs.
   */
  public static OneDnn oneDnn() {
    return new OneDnn();
  }

  /** A oneDNN scope ({@link #oneDnn}). */
  public static final class OneDnn implements AutoCloseable {
    private final boolean before;

    private OneDnn() {
      before = torch.globalContext().userEnabledMkldnn();
      torch.globalContext().setUserEnabledMkldnn(true);
    }

    @Override
    public void close() {
      torch.globalContext().setUserEnabledMkldnn(before);
    }
  }

  /** Sets up libtorch once per JVM with {@code threads} intra-op threads (0 = all cores). */
  public static synchronized void init(int threads) {
    if (initialised) return;
    if (!"passive".equalsIgnoreCase(System.getenv("OMP_WAIT_POLICY"))) {
      System.err.println(
          "papers4j: warning: OMP_WAIT_POLICY is not 'passive'; libtorch and OpenBLAS threads may"
              + " spin against each other (10-40x slower). Launch through ./papers4j.");
    }
    configureKernels();
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    torch.set_num_threads(n);
    initialised = true;
  }

  /** Initialises with all cores. */
  public static void init() {
    init(Integer.getInteger("papers4j.threads", 0));
  }

  /** Seeds libtorch's global generator; CPU runs are bit-reproducible from here. */
  public static void seed(long seed) {
    init();
    torch.manual_seed(seed);
  }
}
