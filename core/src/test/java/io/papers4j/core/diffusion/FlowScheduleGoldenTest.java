package io.papers4j.core.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Against tools/reference/flow_schedule_golden.py (diffusers' FlowMatchEulerDiscreteScheduler formula). */
class FlowScheduleGoldenTest {
  static JsonNode golden() throws Exception {
    try (InputStream in = FlowScheduleGoldenTest.class.getResourceAsStream("/diffusion/flow_golden.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void diffusers_sigmas_match_the_python_reference() throws Exception {
    int cases = 0;
    for (JsonNode c : golden().get("flow_match_euler")) {
      int steps = c.get("steps").asInt();
      double shift = c.get("shift").asDouble();
      double[] s = FlowSchedule.diffusersSigmas(steps, shift, 1000);
      JsonNode want = c.get("sigmas");
      assertThat(s).hasSize(want.size());
      for (int i = 0; i < s.length; i++) {
        assertThat(s[i]).as("steps=%d shift=%s i=%d", steps, shift, i).isCloseTo(want.get(i).asDouble(), offset(1e-6));
      }
      cases++;
    }
    assertThat(cases).isEqualTo(5);
  }

  @Test
  void shift_is_eq_23() {
    assertThat(FlowSchedule.shift(0.5, 3)).isCloseTo(0.75, offset(1e-15)); // 1.5/2
    assertThat(FlowSchedule.shift(0.25, 1)).isCloseTo(0.25, offset(1e-15));
    assertThat(FlowSchedule.alphaFor(1024 * 1024, 256 * 256)).isCloseTo(4.0, offset(1e-15));
    double[] g = FlowSchedule.sigmas(4, 1.0);
    assertThat(g).containsExactly(1.0, 0.75, 0.5, 0.25, 0.0);
    assertThatThrownBy(() -> FlowSchedule.sigmas(0, 1)).hasMessageContaining("at least one");
    assertThatThrownBy(() -> FlowSchedule.shift(0.5, -1)).hasMessageContaining("shift must be > 0");
  }
}
