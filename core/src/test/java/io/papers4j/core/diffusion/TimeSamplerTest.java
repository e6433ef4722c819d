package io.papers4j.core.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimeSamplerTest {
  /** ∫ f over [a, b] by composite Simpson with n (even) panels. */
  private static double simpson(java.util.function.DoubleUnaryOperator f, double a, double b, int n) {
    double h = (b - a) / n, s = f.applyAsDouble(a) + f.applyAsDouble(b);
    for (int i = 1; i < n; i++) s += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(a + i * h);
    return s * h / 3;
  }

  @Test
  void logit_normal_density_matches_closed_form_values_and_the_samples() {
    var ln = new TimeSampler.LogitNormal(0, 1);
    // Closed form at t = 1/2: logit = 0, so 1/(√(2π)·¼).
    assertThat(ln.density(0.5)).isCloseTo(4 / Math.sqrt(2 * Math.PI), offset(1e-12));
    // At t = sigmoid(1) for N(0,1): φ(1)/(t(1−t)).
    double t1 = 1 / (1 + Math.exp(-1));
    assertThat(ln.density(t1)).isCloseTo(Math.exp(-0.5) / Math.sqrt(2 * Math.PI) / (t1 * (1 - t1)), offset(1e-12));
    for (var d : new TimeSampler.LogitNormal[] {ln, new TimeSampler.LogitNormal(0.5, 0.6), new TimeSampler.LogitNormal(-0.5, 1)}) {
      assertThat(simpson(d::density, 1e-9, 1 - 1e-9, 20_000)).as(d.spec()).isCloseTo(1.0, offset(1e-4));
      // Histogram of 400k draws against the density integrated over each of 20 bins.
      int n = 400_000, bins = 20;
      double[] t = d.sample(n, new SplittableRandom(11));
      int[] count = new int[bins];
      for (double x : t) count[Math.min(bins - 1, (int) (x * bins))]++;
      for (int b = 0; b < bins; b++) {
        double p = simpson(d::density, Math.max(b / (double) bins, 1e-12), Math.min((b + 1) / (double) bins, 1 - 1e-12), 200);
        double tol = 5 * Math.sqrt(p * (1 - p) / n) + 1e-5;
        assertThat(count[b] / (double) n).as("%s bin %d", d.spec(), b).isCloseTo(p, offset(tol));
      }
    }
  }

  @Test
  void mode_and_cosmap_maps_have_their_endpoints_and_shapes() {
    var mode0 = new TimeSampler.Mode(0);
    assertThat(mode0.map(0.3)).isCloseTo(0.7, offset(1e-15)); // s = 0 is uniform (reversed)
    var mode = new TimeSampler.Mode(1.29);
    assertThat(mode.map(0)).isCloseTo(1.0, offset(1e-15));
    assertThat(mode.map(1)).isCloseTo(0.0, offset(1e-15));
    assertThat(mode.map(0.5)).isCloseTo(0.5, offset(1e-15)); // cos²(π/4) − 1 + ½ = 0
    double prev = 2;
    for (int i = 0; i <= 1000; i++) {
      double v = mode.map(i / 1000.0);
      assertThat(v).isLessThanOrEqualTo(prev);
      prev = v;
    }
    var cos = new TimeSampler.CosMap();
    assertThat(cos.map(0)).isCloseTo(0.0, offset(1e-15));
    assertThat(cos.map(0.5)).isCloseTo(0.5, offset(1e-15));
    assertThat(cos.map(0.25)).isCloseTo(1 - 1 / (Math.tan(Math.PI / 8) + 1), offset(1e-15));
    assertThatThrownBy(() -> new TimeSampler.Mode(1.9)).hasMessageContaining("2/(pi-2)");
  }

  @Test
  void parse_round_trips_and_rejects_garbage() {
    for (String s : new String[] {"uniform", "lognorm:0,1", "lognorm:0.5,0.6", "mode:1.29", "cosmap"}) {
      assertThat(TimeSampler.parse(s).spec()).isEqualTo(s);
    }
    assertThatThrownBy(() -> TimeSampler.parse("gauss")).hasMessageContaining("unknown t-sampler 'gauss'");
    assertThatThrownBy(() -> TimeSampler.parse("lognorm:0")).hasMessageContaining("two numbers");
    assertThatThrownBy(() -> TimeSampler.parse("lognorm:0,-1")).hasMessageContaining("s > 0");
    assertThatThrownBy(() -> TimeSampler.parse("mode:x")).hasMessageContaining("bad number");
  }
}
