package io.papers4j.lm.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Engine;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GenerationTest {
  static LlamaModel model;

  @BeforeAll
  static void model() {
    Engine.init();
    LlamaConfig c = LlamaConfig.preset("tiny").withVocabSize(50).withNumHiddenLayers(2);
    model = new LlamaModel(c, 3);
  }

  @Test
  void each_batched_row_equals_the_same_stream_generated_alone() {
    long[] prompt = {1, 5, 9, 2};
    Sampling s = new Sampling(1.0, 0, 1.0, 100);
    List<Generation.Sample> batch = Generation.sample(model, prompt, 3, 6, s, null);
    for (int r = 0; r < 3; r++) {
      long[] alone = Generation.generate(model, prompt, 6, new Sampling(1.0, 0, 1.0, 100 + r), null, true, null);
      assertThat(batch.get(r).tokens()).containsExactly(alone);
    }
  }

  @Test
  void log_probs_are_the_models_own_next_token_log_probs() {
    long[] prompt = {4, 4, 7};
    List<Generation.Sample> one = Generation.sample(model, prompt, 1, 3, new Sampling(0.7, 0, 1.0, 5), null);
    long[] t = one.get(0).tokens();
    double[] expected = model.nextTokenLogProbs(new long[] {4, 4, 7, t[0], t[1], t[2]}); // log p(ids[i+1] | ids[..i])
    for (int i = 0; i < 3; i++) {
      assertThat(one.get(0).logProbs()[i]).isCloseTo(expected[2 + i], org.assertj.core.api.Assertions.within(1e-4));
    }
  }

  @Test
  void rows_stop_on_their_own_at_a_stop_id() {
    long[] prompt = {1, 2};
    Sampling greedy = Sampling.greedy();
    long first = Generation.generate(model, prompt, 1, greedy, null, true, null)[0];
    List<Generation.Sample> s = Generation.sample(model, prompt, 2, 5, greedy, Set.of(first));
    for (Generation.Sample x : s) {
      assertThat(x.tokens()).containsExactly(first);
      assertThat(x.stopped()).isTrue();
      assertThat(x.logProbs()).hasSize(1);
    }
  }
}
