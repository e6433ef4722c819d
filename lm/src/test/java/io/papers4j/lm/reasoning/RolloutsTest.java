package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.core.nn.Init;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class RolloutsTest {
  private static LlamaModel tiny() {
    LlamaConfig c = LlamaConfig.llama(CharTokenizer.VOCAB, 32, 64, 1, 2, 2, 256, 1e-5, 10000.0, true);
    return new LlamaModel(c, Init.normal(3, 0.5), null);
  }

  @Test
  void a_ragged_batch_decodes_each_row_as_it_would_alone() {
    LlamaModel m = tiny();
    List<long[]> prompts = List.of(CharTokenizer.encode("Mia has 7 pens.\n"), CharTokenizer.encode("Tom?\n"),
        CharTokenizer.encode("Ava has 12 eggs and more.\n"));
    Rollouts.Settings greedy = new Rollouts.Settings(0, 20, true, 1);
    List<Rollouts.Completion> batch = Rollouts.run(m, prompts, greedy);
    for (int i = 0; i < prompts.size(); i++) {
      Rollouts.Completion alone = Rollouts.run(m, List.of(prompts.get(i)), greedy).get(0);
      assertThat(batch.get(i).tokens()).containsExactly(alone.tokens());
      assertThat(batch.get(i).logProbs()).containsExactly(alone.logProbs(), within(1e-4));
    }
  }

  @Test
  void log_probs_of_sampled_tokens_match_a_full_forward_pass() {
    LlamaModel m = tiny();
    long[] prompt = CharTokenizer.encode("Q: 3 + 4?\n");
    Rollouts.Completion c = Rollouts.run(m, List.of(prompt), new Rollouts.Settings(0.7, 15, false, 9)).get(0);
    long[] all = new long[prompt.length + c.tokens().length];
    System.arraycopy(prompt, 0, all, 0, prompt.length);
    System.arraycopy(c.tokens(), 0, all, prompt.length, c.tokens().length);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor logp = m.forward(Tensor.create(all).unsqueeze(0)).div(new Scalar(0.7)).log_softmax(-1); // (1, T, V)
      for (int j = 0; j < c.tokens().length; j++) {
        double expected = logp.select(0, 0).select(0, prompt.length + j - 1).select(0, c.tokens()[j]).item_double();
        assertThat(c.logProbs()[j]).isCloseTo(expected, within(1e-4));
        assertThat(c.action()[j]).isTrue();
      }
    }
  }
}
