package io.papers4j.core.tensor;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.bytedeco.pytorch.Tensor;

/**
 * Lets the JVM stop (SIGTERM, Ctrl-C, {@code System.exit}) between native steps rather than inside
 * one.
 *
 * <p>Why: when the JVM exits it runs libtorch's C++ static destructors while other threads may still
 * be inside libtorch. Measured here: a SIGTERM during {@code Tensor.backward} crashed the JVM with
 * SIGSEGV in {@code at::accelerator::getAccelerator} (the hooks object it calls had been destroyed)
 * in 3 of 8 kills of a loop of long backward passes, in every kill of a training step as its
 * backward pass started, and once in a killed {@code reproduce yi-depth}. Loops that spend long in libtorch wrap each step in {@link #step()}; the shutdown hook,
 * installed on first use, waits up to {@link #GRACE_SECONDS} s for the steps in flight to finish and
 * keeps new ones from starting, so the process ends between steps with its usual exit status.
 */
public final class NativeExit {
  /** How long the exit waits for a step in flight (a training step takes seconds at most). */
  public static final long GRACE_SECONDS = 30;

  // Steps hold the read lock; the exit takes the write lock and never releases it.
  private static final ReentrantReadWriteLock GATE = new ReentrantReadWriteLock();
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();
  private static final Step STEP = () -> GATE.readLock().unlock();

  private NativeExit() {}

  /** One step of native work; closing it ends the step. */
  public interface Step extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Starts a step. Once the JVM has begun to exit this blocks for good, so the thread never enters
   * libtorch again while its destructors run. Steps nest (the lock is reentrant).
   */
  public static Step step() {
    install();
    GATE.readLock().lock();
    return STEP;
  }

  /**
   * {@code loss.backward()} as one step, for training loops that do not run through the
   * {@code Trainer}: the backward pass is where a stopped JVM crashed.
   */
  public static void backward(Tensor loss) {
    backward(loss, Precision.F32);
  }

  /** {@link #backward(Tensor)} on the kernels of {@code precision} ({@link Precision#backward}). */
  public static void backward(Tensor loss, Precision precision) {
    try (Step gate = step()) {
      precision.backward(loss);
    }
  }

  /** Installs the shutdown hook (idempotent; {@link #step()} calls it). */
  public static void install() {
    if (INSTALLED.compareAndSet(false, true)) {
      Runtime.getRuntime().addShutdownHook(new Thread(NativeExit::drain, "papers4j-native-exit"));
    }
  }

  private static void drain() {
    if (GATE.getReadLockCount() > 0) System.err.println("papers4j: stopping after the current step");
    try {
      if (!GATE.writeLock().tryLock(GRACE_SECONDS, TimeUnit.SECONDS)) {
        System.err.println("papers4j: a step did not finish within " + GRACE_SECONDS + " s; exiting anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
