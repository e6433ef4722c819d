package io.papers4j.vision.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.tensor.Engine;
import java.io.InputStream;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KID against numpy written as clean-fid's kernel_distance (tools/reference/kid_golden.py) on
 * post-ReLU features at the evaluation classifier's scale (|x|²/d ≈ 40): the raw estimate of two
 * samples of one distribution is large and negative (the scale, not the estimator), the normalised
 * one is near 0 and invariant to rescaling, and a set against itself has the closed-form negative
 * bias of the overlap.
 */
class KidTest {
  static JsonNode g;
  static Tensor a, b, fake;

  @BeforeAll
  static void load() throws Exception {
    Engine.init(1);
    try (InputStream in = KidTest.class.getResourceAsStream("/gen/kid_golden.json")) {
      g = new ObjectMapper().readTree(in);
    }
    a = GenMetricsTest.matrix(g.get("a"));
    b = GenMetricsTest.matrix(g.get("b"));
    fake = GenMetricsTest.matrix(g.get("fake"));
  }

  static double rel(String key) {
    return Math.abs(g.get(key).asDouble()) * 1e-10 + 1e-12;
  }

  @Test
  void raw_and_normalised_mmd_match_numpy() {
    assertThat(Kid.featureScale(a)).isCloseTo(g.get("scale").asDouble(), within(1e-12));
    double rawAB = Kid.mmd2(a, b), rawFake = Kid.mmd2(a, fake);
    Scalar s = new Scalar(Kid.featureScale(a));
    double normAB = Kid.mmd2(a.div(s), b.div(s)), normFake = Kid.mmd2(a.div(s), fake.div(s));
    System.out.printf("raw: same distribution %.4f, other %.1f; normalised: %.6f, %.4f%n", rawAB, rawFake, normAB, normFake);
    assertThat(rawAB).isCloseTo(g.get("raw_a_b").asDouble(), within(rel("raw_a_b")));
    assertThat(rawFake).isCloseTo(g.get("raw_a_fake").asDouble(), within(rel("raw_a_fake")));
    assertThat(normAB).isCloseTo(g.get("norm_a_b").asDouble(), within(rel("norm_a_b")));
    assertThat(normFake).isCloseTo(g.get("norm_a_fake").asDouble(), within(rel("norm_a_fake")));
    // the scale, not the estimator: the same comparison is −54 raw and −6e-4 normalised, both tiny against their "other distribution" values
    assertThat(Math.abs(rawAB)).isGreaterThan(10);
    assertThat(Math.abs(normAB)).isLessThan(1e-2);
    assertThat(Math.abs(normAB)).isLessThan(normFake / 1000);
  }

  @Test
  void subsets_match_clean_fid_and_the_normalised_estimate_ignores_the_feature_scale() {
    JsonNode sa = g.get("subsets_a"), sf = g.get("subsets_fake");
    long[][] ia = new long[sa.size()][], jf = new long[sf.size()][];
    for (int i = 0; i < ia.length; i++) {
      ia[i] = GenMetricsTest.indices(sa.get(i));
      jf[i] = GenMetricsTest.indices(sf.get(i));
    }
    Scalar s = new Scalar(Kid.featureScale(a));
    Kid.Estimate e = Kid.overSubsets(a.div(s), fake.div(s), ia, jf);
    assertThat(e.mean()).isCloseTo(g.get("norm_subsets_a_fake").asDouble(), within(rel("norm_subsets_a_fake")));
    // ×10 on every feature: raw MMD² moves by orders of magnitude, the normalised KID not at all
    Scalar ten = new Scalar(10.0);
    Kid.Estimate n1 = Kid.normalisedOf(a, fake, 6, 50, 3), n10 = Kid.normalisedOf(a.mul(ten), fake.mul(ten), 6, 50, 3);
    assertThat(n10.mean()).isCloseTo(n1.mean(), within(1e-9 * Math.abs(n1.mean())));
    assertThat(Kid.mmd2(a.mul(ten), fake.mul(ten))).isGreaterThan(1e4 * Kid.mmd2(a, fake));
  }

  @Test
  void a_set_against_itself_is_biased_negative_by_the_diagonal() {
    double self = Kid.mmd2(a, a);
    System.out.printf("set against itself: %.3f (closed form %.3f)%n", self, g.get("raw_a_a_closed_form").asDouble());
    assertThat(self).isCloseTo(g.get("raw_a_a").asDouble(), within(rel("raw_a_a")));
    assertThat(self).isCloseTo(g.get("raw_a_a_closed_form").asDouble(), within(rel("raw_a_a_closed_form")));
    assertThat(self).isLessThan(-10 * Math.abs(Kid.mmd2(a, b)));
  }

  @Test
  void a_reference_without_scale_gives_one_message() {
    assertThatThrownBy(() -> Kid.featureScale(torch.zeros(4, 3))).hasMessageContaining("cannot normalise");
    assertThatThrownBy(() -> Kid.normalisedOf(torch.randn(4, 3), torch.randn(4, 2), 1, 2, 0)).hasMessageContaining("dimensions differ");
  }
}
