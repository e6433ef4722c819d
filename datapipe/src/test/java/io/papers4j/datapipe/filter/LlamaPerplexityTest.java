package io.papers4j.datapipe.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tensor.Engine;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaPerplexityTest {

  /** exp(−mean log p) computed directly on the in-memory model, window by window. */
  static double direct(LlamaModel m, String text, int context, int maxTokens) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    long[] ids = new long[Math.min(b.length, maxTokens)];
    for (int i = 0; i < ids.length; i++) ids[i] = b[i] & 0xff;
    double nll = 0;
    int n = 0;
    try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      for (int start = 0; start + 1 < ids.length; start += context) {
        for (double lp : m.nextTokenLogProbs(Arrays.copyOfRange(ids, start, Math.min(ids.length, start + context)))) {
          nll -= lp;
          n++;
        }
      }
    }
    return Math.exp(nll / n);
  }

  @Test
  void checkpoint_perplexity_equals_the_models_own_log_likelihood(@TempDir Path dir) {
    Engine.seed(3);
    int context = 32;
    LlamaModel m = new LlamaModel(LlamaConfig.llama(256, 32, 64, 2, 4, 4, context, 1e-5, 10000.0, true), 3);
    LlamaCheckpoint.save(m, dir, Checkpoint.runInfo(Map.of(), 3, "none", 0));
    LlamaPerplexity scorer = new LlamaPerplexity(dir.toString(), 100);
    String text = "In the beginning God created the heaven and the earth. And the earth was without form, and void.";
    double ppl = scorer.perplexity(text);
    System.out.printf("byte-level random-init checkpoint: ppl %.2f (uniform over 256 bytes = 256)%n", ppl);
    // 100 tokens in windows of 32: the scorer must agree with the in-memory model exactly.
    assertThat(ppl).isCloseTo(direct(m, text, context, 100), org.assertj.core.data.Offset.offset(1e-6));
    // A freshly initialised model (std 0.02) is close to uniform over the 256 bytes.
    assertThat(ppl).isBetween(200.0, 330.0);
    assertThat(scorer.describe()).contains("2 layers");
  }

  @Test
  void a_directory_without_config_is_named() {
    assertThatThrownBy(() -> new LlamaPerplexity("/nonexistent/ckpt", 10)).hasMessageContaining("/nonexistent/ckpt");
  }
}
