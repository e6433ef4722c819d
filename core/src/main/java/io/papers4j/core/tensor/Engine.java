package io.papers4j.core.tensor;

import org.bytedeco.pytorch.global.torch;

/**
 * The one place where libtorch is set up for papers4j.
 *
 * <p>Handles the engine traps of DESIGN.md once: the thread pools (OpenMP must not spin against
 * OpenBLAS; the launcher and surefire set {@code OMP_WAIT_POLICY=passive}, and {@link #init} warns
 * when it is missing), the intra-op thread count, and the global seed.
 */
public final class Engine {
  private static volatile boolean initialised;

  private Engine() {}

  /** Sets up libtorch once per JVM with {@code threads} intra-op threads (0 = all cores). */
  public static synchronized void init(int threads) {
    if (initialised) return;
    if (!"passive".equalsIgnoreCase(System.getenv("OMP_WAIT_POLICY"))) {
      System.err.println(
          "papers4j: warning: OMP_WAIT_POLICY is not 'passive'; libtorch and OpenBLAS threads may"
              + " spin against each other (10-40x slower). Launch through ./papers4j.");
    }
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
