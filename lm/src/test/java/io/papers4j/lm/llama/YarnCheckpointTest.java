package io.papers4j.lm.llama;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.io.Safetensors;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.pos.Pairing;
import io.papers4j.core.nn.pos.RopeConfig;
import io.papers4j.core.nn.pos.RopeType;
import io.papers4j.core.nn.pos.ScaledRotaryEmbedding;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * A LLaMA checkpoint as transformers saves it with {@code "rope_scaling": {"rope_type": "yarn",
 * …}} loads through {@link LlamaCheckpoint} and gives the log-probabilities of an independent
 * reference that applies transformers' YaRN ({@code tools/reference/llama_yarn_reference.py}) over 48
 * positions, 3× the original 16.
 */
class YarnCheckpointTest {
  static final double TOLERANCE = 1e-4;

  @Test
  void transformers_yarn_checkpoint_loads_and_matches_the_reference() throws Exception {
    Path dir = Path.of(getClass().getResource("/golden/llama_yarn/config.json").toURI()).getParent();
    LlamaModel model = LlamaCheckpoint.load(dir);
    assertThat(model.positionEncoding()).isInstanceOf(ScaledRotaryEmbedding.class);
    RopeConfig rc = ((ScaledRotaryEmbedding) model.positionEncoding()).config();
    assertThat(rc.type()).isEqualTo(RopeType.YARN);
    assertThat(rc.factor()).isEqualTo(4.0);
    assertThat(rc.originalMaxPositionEmbeddings()).isEqualTo(16);
    Map<String, Tensor> expected = Safetensors.read(dir.resolve("expected.safetensors"));
    Tensor ids = expected.get("ids"); // (B, T)
    Tensor want = expected.get("logprobs"); // (B, T, V) float64
    try (NoGradGuard g = new NoGradGuard()) {
      double d = model.forward(ids).to(ScalarType.Double).log_softmax(-1).sub(want).abs().max().item_double();
      System.out.printf("golden llama_yarn: maxdiff %.3e (tolerance %.0e)%n", d, TOLERANCE);
      assertThat(d).isLessThanOrEqualTo(TOLERANCE);
      // the scaling matters: the same weights under plain RoPE are far off
      LlamaModel plain = new LlamaModel(model.config(), Init.normal(0, 0.02),
          new ScaledRotaryEmbedding(RopeConfig.rope(rc.dim(), rc.ropeTheta()), Pairing.HALF, 64));
      plain.load(model.namedParameters(), "copy");
      double dp = plain.forward(ids).to(ScalarType.Double).log_softmax(-1).sub(want).abs().max().item_double();
      assertThat(dp).isGreaterThan(1e-2);
    }
  }
}
