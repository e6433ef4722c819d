package io.papers4j.core.nn.pos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Theorem 1 of Resonance RoPE: with integer wavelengths, the feature gap over OOD positions [L, L′)
 * is exactly 0 on every pre-critical pair; plain RoPE leaves a non-zero gap there.
 */
class ResonanceTheoremTest {
  static final int L = 64;
  static final int L_TEST = 256;

  @Test
  void resonance_gap_is_exactly_zero_on_pre_critical_pairs_and_rope_gap_is_not() {
    RopeSchedule rope = RopeSchedule.of(RopeConfig.rope(64, 10000), L_TEST);
    RopeSchedule res = RopeSchedule.of(RopeConfig.rope(64, 10000).withResonance(true), L_TEST);
    int critical = RopeFrequencies.criticalPair(RopeFrequencies.wavelengths(rope.invFreq()), L);
    assertThat(critical).isEqualTo(9);
    double[] ropeAngle = FeatureGap.angular(rope, L, L_TEST);
    double[] resAngle = FeatureGap.angular(res, L, L_TEST);
    double[] ropeTable = FeatureGap.tables(rope, L, L_TEST);
    double[] resTable = FeatureGap.tables(res, L, L_TEST);
    for (int j = 0; j < critical; j++) {
      assertThat(res.wavelengths()[j]).isLessThanOrEqualTo(L);
      assertThat(resAngle[j]).as("Resonance angular gap, pair %d", j).isEqualTo(0.0);
      assertThat(resTable[j]).as("Resonance table gap, pair %d", j).isEqualTo(0.0);
      assertThat(ropeAngle[j]).as("RoPE angular gap, pair %d", j).isGreaterThan(0.005);
      assertThat(ropeTable[j]).as("RoPE table gap, pair %d", j).isGreaterThan(0.0);
    }
    // the spec's computed values
    assertThat(ropeAngle[3]).isCloseTo(0.128, within(0.001));
    assertThat(ropeAngle[5]).isCloseTo(0.0076, within(0.0005));
    // post-critical pairs see new angles either way
    assertThat(ropeAngle[9]).isCloseTo(0.78, within(0.01));
    assertThat(resAngle[9]).isCloseTo(0.75, within(0.01));
    for (int j = critical; j < 32; j++) assertThat(resAngle[j]).isGreaterThan(0.0);
  }

  @Test
  void resonance_yarn_gap_is_zero_wherever_the_rounded_wavelength_fits_the_trained_length() {
    RopeConfig yarn = RopeConfig.named("yarn", 64, 10000, 4, L);
    RopeSchedule plain = RopeSchedule.of(yarn, L_TEST);
    RopeSchedule res = RopeSchedule.of(yarn.withResonance(true), L_TEST);
    double[] plainGap = FeatureGap.angular(plain, L, L_TEST);
    double[] resGap = FeatureGap.angular(res, L, L_TEST);
    int fits = 0;
    for (int j = 0; j < 32; j++) {
      if (res.wavelengths()[j] <= L) {
        fits++;
        assertThat(resGap[j]).as("pair %d", j).isEqualTo(0.0);
        assertThat(plainGap[j]).as("pair %d", j).isGreaterThan(0.0);
      }
    }
    assertThat(fits).isPositive(); // YaRN with β_fast 32 at L = 64 interpolates from pair 0: 6 pairs stay ≤ L
  }

  @Test
  void resonance_period_is_exact_in_float32_far_beyond_training() {
    RopeSchedule res = RopeSchedule.of(RopeConfig.rope(64, 10000).withResonance(true), 1);
    for (int j = 0; j < res.pairs(); j++) {
      long w = res.wavelengths()[j];
      for (long m : new long[] {0, 1, 5, 37}) {
        assertThat(res.angle(m + 1000 * w, j)).isEqualTo(res.angle(m, j));
      }
    }
  }
}
