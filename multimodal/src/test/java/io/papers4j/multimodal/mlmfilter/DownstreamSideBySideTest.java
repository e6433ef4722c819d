package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.SideBySide;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** The reproduction's downstream trainings, run side by side ({@link SideBySide}), equal the same trainings one by one. */
class DownstreamSideBySideTest {
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
  }
}
