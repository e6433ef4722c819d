package io.papers4j.lm.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.core.nn.Init;
import io.papers4j.core.tensor.Engine;
import io.papers4j.lm.generate.ContinuousBatching.Event;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ContinuousBatchingTest {
  static LlamaModel llama;
  static LlamaModel mistral;

  @BeforeAll
  static void models() {
    Engine.init();
    // std 0.3 instead of 0.02: peaked logits, so greedy choices are not decided by rounding
    llama = new LlamaModel(LlamaConfig.llama(61, 32, 64, 2, 4, 2, 128, 1e-5, 10000.0, true), Init.normal(11, 0.3), null);
    mistral = new LlamaModel(LlamaConfig.llama(61, 32, 64, 2, 4, 1, 128, 1e-5, 10000.0, false).withSlidingWindow(5),
        Init.normal(12, 0.3), null);
  }

  static long[] prompt(int len, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] p = new long[len];
    for (int i = 0; i < len; i++) p[i] = r.nextInt(61);
    return p;
  }

  /** Runs the sequences through a scheduler and returns each one's generated ids. */
  static List<long[]> run(LlamaModel m, ContinuousBatching.Options o, List<long[]> prompts, int maxTokens) throws Exception {
    BlockingQueue<Event> events = ContinuousBatching.events();
    List<ContinuousBatching.Sequence> seqs = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      seqs.add(ContinuousBatching.sequence(i, prompts.get(i), maxTokens, Sampling.greedy(), Set.of(), -1, false, events));
    }
    List<List<Long>> out = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) out.add(new ArrayList<>());
    int done = 0;
    try (ContinuousBatching b = new ContinuousBatching(m, o)) {
      b.submit(seqs);
      while (done < prompts.size()) {
        Event e = events.poll(60, TimeUnit.SECONDS);
        assertThat(e).as("an event within 60 s").isNotNull();
        if (e instanceof ContinuousBatching.Token t) out.get(t.index()).add(t.token().id());
        if (e instanceof ContinuousBatching.Done) done++;
        assertThat(e).isNotInstanceOf(ContinuousBatching.Failed.class);
      }
    }
    List<long[]> ids = new ArrayList<>();
    for (List<Long> l : out) ids.add(l.stream().mapToLong(Long::longValue).toArray());
    return ids;
  }

  @Test
  void batched_greedy_decoding_equals_each_sequence_alone_at_several_prompt_lengths() throws Exception {
    for (LlamaModel m : List.of(llama, mistral)) {
      List<long[]> prompts = new ArrayList<>();
      int[] lengths = {1, 3, 7, 12, 20, 33};
      for (int i = 0; i < lengths.length; i++) prompts.add(prompt(lengths[i], 100 + i));
      // 4 rows for 6 sequences: some wait and join later; chunks of 5 split the longer prompts
      List<long[]> batched = run(m, new ContinuousBatching.Options(4, 64, 16, 5), prompts, 14);
      for (int i = 0; i < prompts.size(); i++) {
        long[] alone = Generation.generate(m, prompts.get(i), 14, Sampling.greedy(), null, true, null);
        assertThat(batched.get(i)).as("sequence %d (prompt length %d)", i, lengths[i]).containsExactly(alone);
      }
    }
  }

  @Test
  void row_cache_logits_match_the_uncached_model_for_rows_at_different_lengths() {
    try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
      RowCache cache = new RowCache(mistral, 3, 32);
      long[] a = prompt(9, 1);
      long[] b = prompt(4, 2);
      cache.forward(Tensor.create(a).view(1, 9), 0);
      cache.forward(Tensor.create(b).view(1, 4), 1);
      cache.move(1, 2); // b now lives in row 2
      Tensor h = cache.forward(Tensor.create(new long[] {7, 8}).view(2, 1), 1); // rows 1 (empty) and 2 (b)
      // row 1 was emptied by the move: it starts a new sequence [7]; row 2 continues b with 8
      float[][] got = ContinuousBatching.rows(mistral.logits(h.select(1, 0)));
      float[] want1 = lastLogits(new long[] {7});
      long[] b8 = java.util.Arrays.copyOf(b, 5);
      b8[4] = 8;
      float[] want2 = lastLogits(b8);
      for (int v = 0; v < want1.length; v++) {
        assertThat((double) got[0][v]).isCloseTo(want1[v], within(1e-4));
        assertThat((double) got[1][v]).isCloseTo(want2[v], within(1e-4));
      }
      assertThat(cache.length(0)).isEqualTo(9);
      assertThat(cache.length(2)).isEqualTo(5);
    }
  }

  static float[] lastLogits(long[] ids) {
    return ContinuousBatching.rows(mistral.forward(Tensor.create(ids).unsqueeze(0)).select(0, 0).narrow(0, ids.length - 1, 1))[0];
  }

  @Test
  void prompt_log_probs_equal_the_models_next_token_log_probs() throws Exception {
    long[] p = prompt(23, 5);
    BlockingQueue<Event> events = ContinuousBatching.events();
    List<ContinuousBatching.TokenLogprob> scored = new ArrayList<>();
    try (ContinuousBatching b = new ContinuousBatching(llama, new ContinuousBatching.Options(2, 64, 4, 6))) {
      b.submit(List.of(ContinuousBatching.sequence(0, p, 0, Sampling.greedy(), Set.of(), 3, true, events)));
      for (Event e = events.poll(60, TimeUnit.SECONDS); !(e instanceof ContinuousBatching.Done); e = events.poll(60, TimeUnit.SECONDS)) {
        if (e instanceof ContinuousBatching.PromptScored s) scored.addAll(s.tokens());
      }
    }
    double[] want;
    try (NoGradGuard g = new NoGradGuard()) {
      want = llama.nextTokenLogProbs(p);
    }
    assertThat(scored).hasSize(p.length - 1);
    for (int i = 0; i < want.length; i++) {
      assertThat(scored.get(i).id()).isEqualTo(p[i + 1]);
      assertThat(scored.get(i).logprob()).isCloseTo(want[i], within(1e-5));
      assertThat(scored.get(i).topLogprobs()[0]).isGreaterThanOrEqualTo(scored.get(i).topLogprobs()[2]);
    }
  }

  @Test
  void a_cancelled_sequence_frees_its_row_and_a_full_queue_refuses_more() throws Exception {
    BlockingQueue<Event> events = ContinuousBatching.events();
    try (ContinuousBatching b = new ContinuousBatching(llama, new ContinuousBatching.Options(1, 4096, 1, 8))) {
      var long1 = ContinuousBatching.sequence(0, prompt(4, 1), 4000, Sampling.greedy(), Set.of(), -1, false, events);
      var waiting = ContinuousBatching.sequence(1, prompt(4, 2), 3, Sampling.greedy(), Set.of(), -1, false, events);
      b.submit(List.of(long1));
      assertThat(events.poll(60, TimeUnit.SECONDS)).isInstanceOf(ContinuousBatching.Token.class); // it holds the row
      b.submit(List.of(waiting));
      var third = ContinuousBatching.sequence(2, prompt(4, 3), 3, Sampling.greedy(), Set.of(), -1, false, events);
      assertThatThrownBy(() -> b.submit(List.of(third))).isInstanceOf(ContinuousBatching.QueueFull.class)
          .hasMessageContaining("busy");
      long1.cancel();
      List<String> ends = new ArrayList<>();
      while (ends.size() < 2) {
        Event e = events.poll(60, TimeUnit.SECONDS);
        if (e instanceof ContinuousBatching.Done d) ends.add(d.index() + ":" + d.finish());
      }
      assertThat(ends).containsExactly("0:cancelled", "1:length");
      // the scheduler sends Done inside its iteration and updates the in-flight count at the iteration's end
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (b.inFlight() != 0 && System.nanoTime() < deadline) Thread.sleep(5);
      assertThat(b.inFlight()).isZero();
    }
  }
}
