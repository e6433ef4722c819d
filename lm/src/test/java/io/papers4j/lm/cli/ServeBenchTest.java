package io.papers4j.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.papers4j.core.nn.Init;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import io.papers4j.lm.generate.ContinuousBatching;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.serve.ChatTemplate;
import io.papers4j.lm.serve.LmServer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServeBenchTest {
  @Test
  void every_request_counts_max_tokens_with_ignore_eos_even_when_every_id_is_an_end_id() throws Exception {
    Engine.init();
    BpeTokenizer tok = BpeTrainer.train("in the beginning God created the heaven and the earth", 270, List.of(),
        PreTokenizer.GPT2);
    List<Integer> all = new java.util.ArrayList<>();
    for (int i = 0; i < tok.vocabSize(); i++) all.add(i);
    // every id ends a sequence: without ignore_eos each request would stop after one token
    LlamaConfig c = LlamaConfig.llama(tok.vocabSize(), 32, 64, 1, 4, 2, 64, 1e-5, 10000.0, true).toBuilder()
        .eosTokenId(all).build();
    LmServer s = new LmServer("bench", new LlamaModel(c, Init.normal(1, 0.3), null), tok, ChatTemplate.Style.PLAIN,
        new ContinuousBatching.Options(4, 32, 16, 8));
    Javalin app = s.create().start("127.0.0.1", 0);
    try {
      ServeBench.Run r = ServeBench.measure(app.port(), tok.vocabSize(), 6, 5, 3, 7, "batched");
      assertThat(r.requests()).isEqualTo(7);
      assertThat(r.tokens()).isEqualTo(7 * 5);
      assertThat(r.ttft50()).isPositive().isLessThanOrEqualTo(r.p50());
      assertThat(r.tokensPerS()).isPositive();
    } finally {
      app.stop();
    }
  }

  @Test
  void percentiles_are_nearest_rank() {
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(ServeBench.pct(x, 50)).isEqualTo(5);
    assertThat(ServeBench.pct(x, 99)).isEqualTo(10);
    assertThat(ServeBench.pct(new double[] {7}, 99)).isEqualTo(7);
  }
}
