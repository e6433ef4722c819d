package io.papers4j.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class SideBySideTest {
  /** A least-squares fit by gradient descent through autograd, from data and a start drawn from {@code seed} alone. */
  private static double[] fit(long seed) {
    Random r = new Random(seed);
    float[] x = new float[64 * 16], y = new float[64], w0 = new float[16];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    for (int i = 0; i < y.length; i++) y[i] = (float) r.nextGaussian();
    for (int i = 0; i < w0.length; i++) w0[i] = (float) r.nextGaussian();
    Tensor w = Tensor.create(w0).requires_grad_(true);
    try (PointerScope scope = new PointerScope()) {
      Tensor xs = Tensor.create(x).view(64, 16), ys = Tensor.create(y);
      for (int step = 0; step < 40; step++) {
        try (PointerScope s = new PointerScope()) {
          Tensor loss = xs.matmul(w).sub(ys).pow(new Scalar(2)).mean();
          loss.backward();
          try (org.bytedeco.pytorch.NoGradGuard ng = new org.bytedeco.pytorch.NoGradGuard()) {
            w.sub_(w.grad().mul(new Scalar(0.05)));
            w.grad().zero_();
          }
        }
      }
      double[] out = new double[16];
      for (int i = 0; i < 16; i++) out[i] = w.select(0, i).item_double();
      return out;
    }
  }

  @Test
  void trainings_side_by_side_equal_the_same_trainings_one_by_one() throws Exception {
    Engine.init(2);
    int before = torch.get_num_threads(); // another test of this JVM may have set its own count
    torch.set_num_threads(2); // a count the jobs' one thread differs from, to see it come back
    List<Callable<double[]>> jobs = new ArrayList<>();
    for (int j = 0; j < 4; j++) {
      long seed = 100 + j;
      jobs.add(() -> fit(seed));
    }
    List<double[]> oneByOne = SideBySide.run(jobs, 1);
    List<double[]> twoAtOnce = SideBySide.run(jobs, 2);
    for (int j = 0; j < 4; j++) assertThat(twoAtOnce.get(j)).containsExactly(oneByOne.get(j)); // each draws only from its own seed
    assertThat(oneByOne.get(0)).isNotEqualTo(oneByOne.get(1)); // and the jobs are not all one result
    assertThat(torch.get_num_threads()).isEqualTo(2); // the intra-op thread count comes back
    torch.set_num_threads(before);
  }

  @Test
  void results_come_in_job_order_and_a_failing_job_is_rethrown() throws Exception {
    Engine.init(2);
    int threads = torch.get_num_threads(); // another test of this JVM may have set its own count
    List<Callable<Integer>> jobs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int k = i;
      jobs.add(() -> {
        Thread.sleep(6 - k); // later jobs finish first
        return k * k;
      });
    }
    assertThat(SideBySide.run(jobs, 2)).containsExactly(0, 1, 4, 9, 16, 25);
    List<Callable<Integer>> bad = List.of(() -> 1, () -> {
      throw new IllegalArgumentException("subset too small");
    });
    assertThatThrownBy(() -> SideBySide.run(bad, 2)).isInstanceOf(IllegalArgumentException.class).hasMessage("subset too small");
    assertThatThrownBy(() -> SideBySide.run(bad, 0)).hasMessageContaining("workers must be >= 1");
    assertThat(torch.get_num_threads()).isEqualTo(threads);
  }

  @Test
  void a_plan_runs_each_job_after_the_jobs_it_starts_from_and_rethrows_a_failure() throws Exception {
    Engine.init(2);
    int threads = torch.get_num_threads(); // another test of this JVM may have set its own count
    // a diamond: two jobs from the first one's result, then one from both of theirs
    int sum = SideBySide.plan(2, pool -> {
      CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> 3, pool);
      CompletableFuture<Integer> left = first.thenApplyAsync(v -> v * 10, pool), right = first.thenApplyAsync(v -> v + 1, pool);
      return left.thenCombineAsync(right, Integer::sum, pool);
    });
    assertThat(sum).isEqualTo(34);
    assertThatThrownBy(() -> SideBySide.plan(2, pool -> CompletableFuture.supplyAsync(() -> 1, pool)
        .thenApplyAsync(v -> {
          if (v == 1) throw new IllegalStateException("stage 2 failed");
          return v;
        }, pool).thenApplyAsync(v -> v + 1, pool))).isInstanceOf(IllegalStateException.class).hasMessage("stage 2 failed");
    assertThat(torch.get_num_threads()).isEqualTo(threads);
  }
}
