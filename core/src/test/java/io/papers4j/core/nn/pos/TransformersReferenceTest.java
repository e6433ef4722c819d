package io.papers4j.core.nn.pos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every rope block in {@code rope/reference.json} (written by {@code
 * tools/reference/rope_tables.py} with PyTorch, re-stating transformers' and the Resonance repo's
 * formulas) must load through {@link RopeConfig#fromHfConfig} and give the same inverse
 * frequencies, attention factor and cos/sin rows.
 */
class TransformersReferenceTest {

  @Test
  @SuppressWarnings("unchecked")
  void every_reference_config_gives_the_reference_tables() throws Exception {
    Map<String, Object> ref;
    try (InputStream in = getClass().getResourceAsStream("/rope/reference.json")) {
      ref = new ObjectMapper().readValue(in, Map.class);
    }
    List<Number> positions = (List<Number>) ref.get("positions");
    long[] pos = positions.stream().mapToLong(Number::longValue).toArray();
    List<Map<String, Object>> cases = (List<Map<String, Object>>) ref.get("cases");
    assertThat(cases).hasSizeGreaterThanOrEqualTo(10);
    double worstInv = 0, worstTable = 0;
    for (Map<String, Object> c : cases) {
      String name = (String) c.get("name");
      Map<String, Object> config = (Map<String, Object>) c.get("config");
      RopeConfig rc = RopeConfig.fromHfConfig(config);
      int seqLen = c.get("seq_len") == null ? 1 : ((Number) c.get("seq_len")).intValue();
      RopeSchedule s = RopeSchedule.of(rc, seqLen);
      double[] inv = ((List<Number>) c.get("inv_freq")).stream().mapToDouble(Number::doubleValue).toArray();
      assertThat(s.invFreq()).as(name).hasSameSizeAs(inv);
      for (int j = 0; j < inv.length; j++) {
        double rel = Math.abs(s.invFreq()[j] - inv[j]) / inv[j];
        worstInv = Math.max(worstInv, rel);
        assertThat(rel).as("%s inv_freq[%d]", name, j).isEqualTo(0.0); // the same float32 value
      }
      assertThat(s.attentionFactor()).as(name).isCloseTo(((Number) c.get("attention_factor")).doubleValue(), within(1e-12));
      if (c.get("wavelengths") != null) {
        long[] w = ((List<Number>) c.get("wavelengths")).stream().mapToLong(Number::longValue).toArray();
        assertThat(s.wavelengths()).as(name).containsExactly(w);
      }
      float[][] cs = s.cosSin(pos);
      List<List<Number>> cos = (List<List<Number>>) c.get("cos");
      List<List<Number>> sin = (List<List<Number>>) c.get("sin");
      int p = s.pairs();
      for (int t = 0; t < pos.length; t++) {
        for (int j = 0; j < p; j++) {
          double dc = Math.abs(cs[0][t * p + j] - cos.get(t).get(j).doubleValue());
          double ds = Math.abs(cs[1][t * p + j] - sin.get(t).get(j).doubleValue());
          worstTable = Math.max(worstTable, Math.max(dc, ds));
          assertThat(Math.max(dc, ds)).as("%s cos/sin at position %d pair %d", name, pos[t], j)
              .isLessThanOrEqualTo(5e-7); // same float32 angle; cos/sin rounding only
        }
      }
    }
    System.out.printf("transformers reference: maxdiff inv_freq %.3g (relative), cos/sin %.3g%n", worstInv, worstTable);
  }

}
