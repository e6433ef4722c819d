package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class SideBySideTest {
  @Test
  void downstream_trainings_side_by_side_equal_the_same_trainings_one_by_one() throws Exception {
    Engine.init(2);
    List<WebPool.Pair> pool = WebPool.build(40, 5L, WebPool.Sources.iconsOnly(0, null));
    Downstream.Tasks tasks = Downstream.tasks(12, 9L);
    List<Callable<Map<String, Double>>> jobs = new ArrayList<>();
    for (int j = 0; j < 3; j++) {
      List<WebPool.Pair> subset = pool.subList(10 * j, 10 * j + 12);
      long seed = 1000 + j;
      jobs.add(() -> Downstream.evaluate(Downstream.train(subset, 4, 2, 8, seed), tasks));
    }
    List<Map<String, Double>> oneByOne = SideBySide.run(jobs, 1);
    List<Map<String, Double>> twoAtOnce = SideBySide.run(jobs, 2);
    assertThat(twoAtOnce).isEqualTo(oneByOne); // each training draws only from its own seed
    assertThat(oneByOne.get(0)).isNotEqualTo(oneByOne.get(1)); // and the jobs are not all one result
    assertThat(torch.get_num_threads()).isEqualTo(2); // the intra-op thread count comes back
  }

  @Test
  void results_come_in_job_order_and_a_failing_job_is_rethrown() throws Exception {
    Engine.init(2);
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
    assertThat(torch.get_num_threads()).isEqualTo(2);
  }
}
