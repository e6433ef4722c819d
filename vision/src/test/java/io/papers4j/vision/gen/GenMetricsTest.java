package io.papers4j.vision.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.tensor.Engine;
import java.io.InputStream;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fréchet distance and KID against numpy/scipy (tools/reference/gen_metrics_golden.py) and against
 * closed forms: FD of Gaussians with known commuting covariances, KID of two samples of one
 * distribution ≈ 0 within its standard error.
 */
class GenMetricsTest {
  static JsonNode golden;

  @BeforeAll
  static void load() throws Exception {
    Engine.init(1);
    try (InputStream in = GenMetricsTest.class.getResourceAsStream("/gen/metrics_golden.json")) {
      golden = new ObjectMapper().readTree(in);
    }
  }

  static Tensor matrix(JsonNode rows) {
    int n = rows.size(), d = rows.get(0).size();
    double[] v = new double[n * d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) v[i * d + j] = rows.get(i).get(j).asDouble();
    return doubles(v).view(n, d);
  }

  static Tensor doubles(double... v) {
    return torch.from_blob(new DoublePointer(v), new long[] {v.length}, new TensorOptions(torch.ScalarType.Double)).clone();
  }

  static long[] indices(JsonNode a) {
    long[] v = new long[a.size()];
    for (int i = 0; i < v.length; i++) v[i] = a.get(i).asLong();
    return v;
  }

  @Test
  void frechet_distance_matches_scipy_sqrtm() {
    Tensor x = matrix(golden.get("x")), y = matrix(golden.get("y")), small = matrix(golden.get("small"));
    double fd = FrechetDistance.between(x, y);
    double fdSingular = FrechetDistance.between(x, small);
    System.out.printf("FD %.12f vs scipy %.12f; singular %.12f vs %.12f%n", fd, golden.get("fd_x_y").asDouble(), fdSingular, golden.get("fd_x_small").asDouble());
    assertThat(fd).isCloseTo(golden.get("fd_x_y").asDouble(), within(1e-8));
    assertThat(fdSingular).isCloseTo(golden.get("fd_x_small").asDouble(), within(1e-6));
    assertThat(FrechetDistance.between(x, x)).isCloseTo(0.0, within(1e-9));
  }

  @Test
  void frechet_distance_of_gaussians_with_commuting_covariances_is_the_closed_form() {
    // Σ₁ = Q diag(a) Qᵀ, Σ₂ = Q diag(b) Qᵀ commute, so FD = |μ₁−μ₂|² + Σ (√aᵢ − √bᵢ)².
    int d = 6;
    torch.manual_seed(3);
    Tensor q = torch.linalg_qr(torch.randn(d, d).to(torch.ScalarType.Double)).get0(); // (d, d) orthogonal
    double[] a = {0.5, 1, 2, 3, 0.1, 4}, b = {1, 1, 0.5, 5, 0.2, 0.05}; // positive: √ of a zero eigenvalue amplifies 1e-16 round-off to 1e-8
    Tensor s1 = q.mul(doubles(a).unsqueeze(0)).matmul(q.t());
    Tensor s2 = q.mul(doubles(b).unsqueeze(0)).matmul(q.t());
    double[] m1 = {0, 1, 2, 3, 4, 5}, m2 = {1, 1, 1, 1, 1, 1};
    double expected = 0;
    for (int i = 0; i < d; i++) expected += (m1[i] - m2[i]) * (m1[i] - m2[i]) + Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
    double fd = FrechetDistance.of(doubles(m1), s1, doubles(m2), s2);
    System.out.printf("FD commuting Gaussians %.12f vs closed form %.12f%n", fd, expected);
    assertThat(fd).isCloseTo(expected, within(1e-9));
  }

  @Test
  void kid_matches_the_explicit_double_loop() {
    Tensor x = matrix(golden.get("x")), y = matrix(golden.get("y"));
    double full = Kid.mmd2(x.narrow(0, 0, 60), y.narrow(0, 0, 50));
    assertThat(full).isCloseTo(golden.get("mmd2_x_y").asDouble(), within(1e-9));
    JsonNode subsets = golden.get("subsets");
    long[][] xi = new long[subsets.size()][], yi = new long[subsets.size()][];
    for (int s = 0; s < xi.length; s++) {
      xi[s] = indices(subsets.get(s).get("x"));
      yi[s] = indices(subsets.get(s).get("y"));
      assertThat(Kid.mmd2(x.index_select(0, torch.tensor(xi[s])), y.index_select(0, torch.tensor(yi[s]))))
          .isCloseTo(subsets.get(s).get("mmd2").asDouble(), within(1e-9));
    }
    Kid.Estimate e = Kid.overSubsets(x, y, xi, yi);
    assertThat(e.mean()).isCloseTo(golden.get("subset_mean").asDouble(), within(1e-9));
    assertThat(e.std()).isCloseTo(golden.get("subset_std").asDouble(), within(1e-9));
    assertThat(e.subsetSize()).isEqualTo(30);
  }

  @Test
  void kid_of_two_samples_of_one_distribution_is_zero_within_its_standard_error() {
    torch.manual_seed(11);
    Tensor x = torch.randn(400, 8).mul(new org.bytedeco.pytorch.Scalar(2.0));
    Tensor y = torch.randn(400, 8).mul(new org.bytedeco.pytorch.Scalar(2.0));
    Tensor shifted = y.add(new org.bytedeco.pytorch.Scalar(1.0));
    Kid.Estimate same = Kid.of(x, y, 20, 100, 5);
    Kid.Estimate other = Kid.of(x, shifted, 20, 100, 5);
    double stdErr = same.std() / Math.sqrt(same.subsets());
    System.out.printf("KID same %.5f ± %.5f (std err), shifted %.5f ± %.5f%n", same.mean(), stdErr, other.mean(), other.std());
    assertThat(Math.abs(same.mean())).isLessThan(3 * stdErr);
    assertThat(other.mean()).isGreaterThan(10 * other.std() / Math.sqrt(other.subsets()));
  }

  @Test
  void mismatched_features_give_one_clear_message() {
    assertThatThrownBy(() -> FrechetDistance.between(torch.randn(5, 3), torch.randn(5, 4))).hasMessageContaining("dimensions differ: 3 vs 4");
    assertThatThrownBy(() -> FrechetDistance.between(torch.randn(1, 3), torch.randn(5, 3))).hasMessageContaining("at least 2");
    assertThatThrownBy(() -> Kid.of(torch.randn(5, 3), torch.randn(5, 3), 0, 4, 1)).hasMessageContaining("at least one subset");
  }
}
