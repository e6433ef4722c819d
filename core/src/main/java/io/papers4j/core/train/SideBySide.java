package io.papers4j.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.bytedeco.pytorch.global.torch;

/**
 * Independent small trainings run side by side, each on one intra-op thread and one BLAS thread. At the
 * reproductions' sizes a training step is a few hundred small kernels that two threads split poorly (two
 * MLM-Filter downstream trainings of 100 steps: 16.4 s one after the other on two threads, 15.7 s on one;
 * an InfiMM-HD vision pretraining step 59.5 ms on two threads, 56.5 ms on one), so two trainings at once
 * finish sooner: 9.8 s (docs/mlm-filter.md). Every job must draw only from its own seeds (no global random
 * state) and share no mutable state with another job; then its result does not depend on what runs beside
 * it, and equals the result of running the jobs one by one on one thread. A job that builds a model it
 * returns must not close a {@code PointerScope} around it.
 */
public final class SideBySide {
  private SideBySide() {}

  /** Runs {@code jobs} with {@code workers} at a time (≥ 1), one intra-op thread each; results in job order. */
  public static <T> List<T> run(List<Callable<T>> jobs, int workers) throws Exception {
    return plan(workers, pool -> {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> job : jobs) {
        futures.add(((ExecutorService) pool).submit(job));
      }
      List<T> out = new ArrayList<>(jobs.size());
      for (Future<T> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          throw new CompletionException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CompletionException(e);
        }
      }
      return CompletableFuture.completedFuture(out);
    });
  }

  /**
   * Runs a graph of jobs: {@code plan} starts them on the executor it is given, {@code workers} at a time with one
   * intra-op thread each, where a job may wait for others by being started from them ({@code
   * CompletableFuture.supplyAsync(job, pool).thenApplyAsync(next, pool)}), and returns the future of the result.
   * Returns that result once it is complete; the first failure among the jobs it depends on is rethrown as it was thrown.
   */
  public static <T> T plan(int workers, Function<Executor, CompletableFuture<T>> plan) throws Exception {
    if (workers < 1) throw new IllegalArgumentException("workers must be >= 1, got " + workers);
    int before = torch.get_num_threads(), blasBefore = openblas_nolapack.blas_get_num_threads();
    // a thread that has not used libtorch yet takes the process-wide count on its first parallel kernel
    torch.set_num_threads(1);
    // OpenBLAS's own pool is shared by the whole process: two trainings calling into it at once took 1.6x longer
    // than one after the other (22.7 s against 14.4 s); on one BLAS thread each, 0.6x (9.8 s against 15.7 s)
    openblas_nolapack.blas_set_num_threads(1);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      return plan.apply(pool).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof CompletionException c && c.getCause() != null) cause = c.getCause();
      if (cause instanceof Exception x) throw x;
      if (cause instanceof Error x) throw x;
      throw e;
    } finally {
      pool.shutdownNow();
      torch.set_num_threads(before);
      // the count is not always readable back (-1); OpenBLAS's default is one thread per core
      openblas_nolapack.blas_set_num_threads(blasBefore > 0 ? blasBefore : Runtime.getRuntime().availableProcessors());
    }
  }
}
