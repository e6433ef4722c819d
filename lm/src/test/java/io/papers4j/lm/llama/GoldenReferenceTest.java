package io.papers4j.lm.llama;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.io.Safetensors;
import io.papers4j.core.io.SafetensorsHeader;
import io.papers4j.core.nn.Init;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * Log-probabilities of small LLaMA and Mistral models against an independent float64 PyTorch
 * implementation ({@code tools/reference/llama_reference.py}), whose weights and outputs are
 * committed under {@code golden/<case>/}. The checkpoint directories are loaded like any Hugging
 * Face download.
 */
class GoldenReferenceTest {
  private static final double TOLERANCE = 1e-4;
  /**
   * Relative tolerance for bfloat16 results: torch.testing.assert_close's default rtol for
   * bfloat16 (1.6e-2), applied normwise (to the largest |log p| of the reference), since the
   * roundings of every matmul accumulate into all log-probabilities of a row alike.
   */
  private static final double BF16_RTOL = 1.6e-2;

  private static Path dir(String name) throws URISyntaxException {
    return Path.of(GoldenReferenceTest.class.getResource("/golden/" + name).toURI());
  }

  private static double maxDiffAgainstReference(LlamaModel model, Path dir) {
    Path expectedFile = dir.resolve("expected.safetensors");
    SafetensorsHeader header = Safetensors.readHeader(expectedFile);
    assertThat(header.metadata()).containsEntry("format", "papers4j-golden").containsEntry("version", "1");
    Map<String, Tensor> expected = Safetensors.read(expectedFile);
    Tensor ids = expected.get("ids"); // (B, T)
    Tensor want = expected.get("logprobs"); // (B, T, V) float64
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor got = model.forward(ids).to(ScalarType.Double).log_softmax(-1); // (B, T, V)
      return got.sub(want).abs().max().item_double();
    }
  }

  @Test
  void llama_log_probs_match_the_independent_reference() throws Exception {
    Path dir = dir("llama");
    LlamaModel model = LlamaCheckpoint.load(dir);
    assertThat(model.config().numKeyValueHeads()).isEqualTo(model.config().numAttentionHeads());
    double d = maxDiffAgainstReference(model, dir);
    System.out.printf("golden llama: maxdiff %.3e (tolerance %.0e)%n", d, TOLERANCE);
    assertThat(d).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void mistral_sliding_window_gqa_log_probs_match_the_independent_reference() throws Exception {
    Path dir = dir("mistral");
    LlamaModel model = LlamaCheckpoint.load(dir);
    LlamaConfig c = model.config();
    assertThat(c.window()).isEqualTo(5);
    assertThat(c.numAttentionHeads() / c.numKeyValueHeads()).isEqualTo(3);
    assertThat(c.tieWordEmbeddings()).isTrue();
    double d = maxDiffAgainstReference(model, dir);
    System.out.printf("golden mistral (window 5, 16 tokens, GQA 6/2): maxdiff %.3e%n", d);
    assertThat(d).isLessThanOrEqualTo(TOLERANCE);

    // The window matters here: the same weights with full attention are far from the reference.
    LlamaModel full = new LlamaModel(c.withSlidingWindow(null), Init.normal(0, 0.02), null);
    full.load(model.namedParameters(), "copy");
    double dFull = maxDiffAgainstReference(full, dir);
    System.out.printf("same weights without the window: maxdiff %.3e%n", dFull);
    assertThat(dFull).isGreaterThan(1e-2);
  }

  @Test
  void cached_decoding_of_the_golden_mistral_matches_the_reference() throws Exception {
    Path dir = dir("mistral");
    LlamaModel model = LlamaCheckpoint.load(dir);
    Map<String, Tensor> expected = Safetensors.read(dir.resolve("expected.safetensors"));
    Tensor ids = expected.get("ids").narrow(0, 0, 1); // (1, T)
    Tensor want = expected.get("logprobs").select(0, 0); // (T, V)
    long t = ids.size(1);
    double d = 0;
    try (NoGradGuard g = new NoGradGuard()) {
      LlamaModel.Cache cache = model.newCache(1, (int) t);
      // pre-fill 7 tokens (longer than the window), then one token at a time
      Tensor first = model.forward(ids.narrow(1, 0, 7), cache).select(0, 0).to(ScalarType.Double).log_softmax(-1);
      d = first.sub(want.narrow(0, 0, 7)).abs().max().item_double();
      for (long i = 7; i < t; i++) {
        Tensor step = model.forward(ids.narrow(1, i, 1), cache).select(0, 0).to(ScalarType.Double).log_softmax(-1);
        d = Math.max(d, step.sub(want.narrow(0, i, 1)).abs().max().item_double());
      }
    }
    System.out.printf("golden mistral, rolling KV cache: maxdiff %.3e%n", d);
    assertThat(d).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void bf16_autocast_log_probs_stay_within_bfloat16_rounding_of_the_reference() throws Exception {
    Path dir = dir("llama");
    LlamaModel model = LlamaCheckpoint.load(dir);
    double d;
    try (io.papers4j.core.tensor.Precision.Region cast = io.papers4j.core.tensor.Precision.BF16.autocast()) {
      d = maxDiffAgainstReference(model, dir);
    }
    double f32 = maxDiffAgainstReference(model, dir); // the region is closed again: float32
    double scale = Safetensors.read(dir.resolve("expected.safetensors")).get("logprobs").abs().max().item_double();
    System.out.printf("golden llama under bf16 autocast: maxdiff %.3e = %.2e of max |log p| %.2f (float32 %.3e)%n",
        d, d / scale, scale, f32);
    assertThat(f32).isLessThanOrEqualTo(TOLERANCE);
    assertThat(d).isGreaterThan(TOLERANCE); // the region really computed in bfloat16
    assertThat(d / scale).isLessThanOrEqualTo(BF16_RTOL);
  }
}
