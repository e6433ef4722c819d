package io.papers4j.core.nn.pos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Wavelengths, critical dimensions and YaRN tables against the hand values of the spec (§1). */
class RopeFrequenciesTest {

  @Test
  void rope_wavelengths_for_d64_match_the_spec() {
    double[] w = RopeFrequencies.wavelengths(RopeFrequencies.base(64, 10000));
    double[] expected = {6.28, 8.38, 11.17, 14.90, 19.87, 26.50, 35.33, 47.12, 62.83, 83.79, 111.7, 149.0};
    for (int j = 0; j < expected.length; j++) {
      double printed = j < 10 ? 0.005 : 0.05; // the spec prints 2 decimals, then 1
      assertThat(w[j]).as("λ_%d", j).isCloseTo(expected[j], within(printed + 1e-9));
    }
  }

  @Test
  void critical_dimension_counts_match_the_spec() {
    double[] w64 = RopeFrequencies.wavelengths(RopeFrequencies.base(64, 10000));
    assertThat(RopeFrequencies.criticalPair(w64, 64)).isEqualTo(9); // dims 0–17 pre-critical
    assertThat(RopeFrequencies.criticalPair(w64, 32)).isEqualTo(6);
    double[] w128 = RopeFrequencies.wavelengths(RopeFrequencies.base(128, 10000));
    assertThat(RopeFrequencies.criticalPair(w128, 4096)).isEqualTo(46);
    assertThat(w128[63]).isCloseTo(54410, within(1.0));
  }

  @Test
  void resonance_rounds_d64_wavelengths_to_the_spec_integers() {
    long[] r = RopeFrequencies.resonanceWavelengths(RopeFrequencies.base(64, 10000));
    long[] expected = {6, 8, 11, 15, 20, 26, 35, 47, 63, 84, 112, 149};
    for (int j = 0; j < expected.length; j++) assertThat(r[j]).as("λ̃_%d", j).isEqualTo(expected[j]);
    double[] inv = RopeFrequencies.resonanceInverse(r);
    for (int j = 0; j < r.length; j++) assertThat(2 * Math.PI / inv[j]).isCloseTo(r[j], within(1e-5 * r[j]));
  }

  @Test
  void yarn_ramp_bounds_match_the_spec() {
    // LLaMA-2: d = 128, L = 4096, β_fast 32, β_slow 1 → 20/46
    assertThat(RopeFrequencies.yarnRange(128, 10000, 4096, 32, 1, true)).containsExactly(20, 46);
    // PosGen code mode: ramp from the extrapolated length 257 and β_fast 2 → 10/13; with 65 → 5/9
    assertThat(RopeFrequencies.yarnRange(64, 10000, 257, 2, 1, true)).containsExactly(10, 13);
    assertThat(RopeFrequencies.yarnRange(64, 10000, 65, 2, 1, true)).containsExactly(5, 9);
  }

  @Test
  void yarn_mscale_matches_the_spec() {
    assertThat(RopeConfig.yarnMscale(4, 1)).isCloseTo(1.1386, within(1e-4));
    assertThat(RopeConfig.yarnMscale(8, 1)).isCloseTo(1.2079, within(1e-4));
    assertThat(RopeConfig.yarnMscale(257.0 / 65, 1)).isCloseTo(1.1375, within(1e-4));
    assertThat(Math.pow(RopeConfig.yarnMscale(4, 1), 2)).isCloseTo(1.296, within(1e-3)); // logits ×
    assertThat(RopeConfig.yarnMscale(1, 1)).isEqualTo(1.0);
  }

  @Test
  void code_mode_posgen_resonance_yarn_wavelengths_match_the_spec() {
    RopeConfig yarn = posgenCodeYarn();
    long[] r = RopeSchedule.of(yarn.withResonance(true), 257).wavelengths();
    long[] expected = {6, 8, 11, 15, 20, 26, 35, 47, 63, 84, 112, 198, 396, 1048};
    for (int j = 0; j < expected.length; j++) assertThat(r[j]).as("λ̃′_%d", j).isEqualTo(expected[j]);
    // ramp: pairs below low are untouched, pairs from high on are divided by s
    double[] base = RopeFrequencies.base(64, 10000);
    double[] inv = RopeSchedule.of(yarn, 257).invFreq();
    assertThat(inv[9]).isEqualTo(base[9]);
    assertThat(inv[20]).isCloseTo(base[20] * 65 / 257, within(1e-6 * base[20]));
    assertThat(RopeSchedule.of(yarn, 257).attentionFactor()).isCloseTo(1.1375, within(1e-4));
  }

  @Test
  void linear_and_ntk_scale_as_their_formulas_say() {
    double[] base = RopeFrequencies.base(64, 10000);
    double[] lin = RopeFrequencies.inverseFrequencies(RopeConfig.named("linear", 64, 10000, 4, 64), 256);
    for (int j = 0; j < base.length; j++) assertThat(lin[j]).isCloseTo(base[j] / 4, within(1e-6 * base[j]));
    double[] ntk = RopeFrequencies.inverseFrequencies(RopeConfig.named("ntk", 64, 10000, 4, 64), 256);
    double b = 10000 * Math.pow(4, 64 / 62.0);
    assertThat(ntk[0]).isEqualTo(1.0);
    assertThat(ntk[31]).isCloseTo(Math.pow(b, -62 / 64.0), within(1e-6 * ntk[31]));
    // NTK keeps the highest frequency and interpolates the lowest by exactly s
    assertThat(ntk[31] / base[31]).isCloseTo(0.25, within(1e-5));
  }

  @Test
  void dynamic_ntk_is_plain_rope_up_to_the_trained_length_and_grows_after() {
    RopeConfig dyn = RopeConfig.named("dynamic", 64, 10000, 2, 128);
    assertThat(RopeFrequencies.inverseFrequencies(dyn, 100)).containsExactly(RopeFrequencies.base(64, 10000));
    assertThat(RopeFrequencies.inverseFrequencies(dyn, 128)).containsExactly(RopeFrequencies.base(64, 10000));
    double[] at512 = RopeFrequencies.inverseFrequencies(dyn, 512);
    assertThat(RopeFrequencies.dynamicBase(dyn, 512)).isCloseTo(10000 * Math.pow(7, 64 / 62.0), within(1e-6));
    assertThat(at512[5]).isLessThan(RopeFrequencies.base(64, 10000)[5]);
  }

  static RopeConfig posgenCodeYarn() {
    return new RopeConfig(RopeType.YARN, 10000, 64, 257.0 / 65, 257, 2, 1, Double.NaN, Double.NaN,
        Double.NaN, true, false);
  }
}
