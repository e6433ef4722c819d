package io.papers4j.vision.tryon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** SSIM and texture fidelity against numpy/scipy (tools/reference/tryon_metrics_golden.py) and closed forms. */
class TryOnMetricsTest {
  static final int S = 32;

  /** The reference script's two image pairs and masks, built with the same formulas. */
  static Tensor[] images() {
    double[] a = new double[2 * 3 * S * S], b = new double[a.length], m = new double[2 * S * S];
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < S; y++) {
          for (int x = 0; x < S; x++) {
            int i = ((n * 3 + c) * S + y) * S + x;
            a[i] = 0.5 + 0.4 * Math.sin(0.37 * x + 0.23 * y + c + n);
            b[i] = 0.5 + 0.35 * Math.cos(0.29 * x - 0.41 * y + 2 * c + n) * Math.sin(0.11 * x + 0.5 * n);
          }
        }
      }
    }
    for (int y = 0; y < S; y++) {
      for (int x = 0; x < S; x++) {
        m[y * S + x] = y >= 8 && y < 24 && x >= 4 && x < 28 ? 1 : 0;
        m[S * S + y * S + x] = y >= 3 ? 1 : 0;
      }
    }
    return new Tensor[] {Tensor.create(a, 2, 3, S, S).clone(), Tensor.create(b, 2, 3, S, S).clone(), Tensor.create(m, 2, 1, S, S).clone()};
  }

  @Test
  void ssim_and_texture_fidelity_match_the_numpy_reference() throws Exception {
    JsonNode g;
    try (InputStream in = getClass().getResourceAsStream("/tryon/metrics_golden.json")) {
      g = new ObjectMapper().readTree(in);
    }
    Tensor[] t = images();
    double[] ssim = TryOnMetrics.ssimPerImage(t[0], t[1], t[2]);
    double[] self = TryOnMetrics.ssimPerImage(t[0], t[0], t[2]);
    double[] tf = TryOnMetrics.textureFidelityPerImage(t[0], t[1], t[2]);
    for (int n = 0; n < 2; n++) {
      assertThat(ssim[n]).isCloseTo(g.get("ssim").get(n).asDouble(), within(1e-9));
      assertThat(self[n]).isCloseTo(g.get("ssim_self").get(n).asDouble(), within(1e-12));
      assertThat(tf[n]).isCloseTo(g.get("texture_fidelity").get(n).asDouble(), within(1e-12));
    }
  }

  @Test
  void texture_fidelity_is_one_for_an_affine_copy_minus_one_for_a_negative_and_undefined_without_texture() {
    Tensor[] t = images();
    Tensor affine = t[0].mul(new Scalar(0.5)).add(new Scalar(0.2)), negative = t[0].neg().add(new Scalar(1));
    for (double v : TryOnMetrics.textureFidelityPerImage(affine, t[0], t[2])) assertThat(v).isCloseTo(1.0, within(1e-12));
    for (double v : TryOnMetrics.textureFidelityPerImage(negative, t[0], t[2])) assertThat(v).isCloseTo(-1.0, within(1e-12));
    Tensor flat = t[0].mul(new Scalar(0)).add(new Scalar(0.3));
    assertThat(TryOnMetrics.textureFidelityPerImage(t[0], flat, t[2])[0]).isNaN();
    assertThat(TryOnMetrics.textureFidelity(t[0], t[0], t[2])).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void ssim_of_two_flat_images_is_the_luminance_term_away_from_the_border() {
    // σ = 0 inside the image: SSIM = (2μ_xμ_y + C1)/(μ_x² + μ_y² + C1)
    Tensor[] t = images();
    Tensor x = t[0].mul(new Scalar(0)).add(new Scalar(0.3)), y = t[0].mul(new Scalar(0)).add(new Scalar(0.6));
    double[] m = new double[2 * S * S];
    for (int n = 0; n < 2; n++) for (int yy = 8; yy < 24; yy++) for (int xx = 8; xx < 24; xx++) m[n * S * S + yy * S + xx] = 1;
    double c1 = 1e-4, want = (2 * 0.3 * 0.6 + c1) / (0.09 + 0.36 + c1);
    for (double v : TryOnMetrics.ssimPerImage(x, y, Tensor.create(m, 2, 1, S, S).clone())) assertThat(v).isCloseTo(want, within(1e-9));
  }
}
