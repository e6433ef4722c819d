package io.papers4j.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultTest {
  @TempDir Path dir;

  @Test
  void builder_keeps_the_order_metrics_were_added_in_and_the_contract_keys() throws Exception {
    Result r = Result.builder("demo", "2403.00000").claim("c").preset("quick").seed(7).runtimeS(1.5)
        .metric("z_last_name_first", 1.0).metric("a", List.of(1, 2)).metrics(Map.of("m", true))
        .reference("z_last_name_first", 2.0).reproduced(true).notes("n").build();
    assertThat(r.metrics().keySet()).containsExactly("z_last_name_first", "a", "m");
    Map<String, Object> back = Result.readJson(r.write(dir));
    assertThat(back.keySet()).containsExactly(
        "system", "paper", "claim", "preset", "seed", "runtime_s", "metrics", "paper_reference", "reproduced", "notes");
    assertThat(back.get("seed")).isEqualTo(7);
    assertThat(back.get("runtime_s")).isEqualTo(1.5);
    assertThat(back.get("paper_reference")).isEqualTo(Map.of("z_last_name_first", 2.0));
  }

  @Test
  void builder_fails_fast_on_a_missing_required_field() {
    Result.Builder b = Result.builder("demo", "2403.00000").claim("c").preset("quick").runtimeS(1);
    assertThatThrownBy(b::build).hasMessageContaining("demo result: reproduced is not set");
    assertThatThrownBy(() -> Result.builder("demo", "p").claim("c").preset("q").reproduced(false).notes("n").build())
        .hasMessageContaining("set runtimeS or startedAt");
  }

  @Test
  void timed_reproduction_fills_the_opening_and_writes_result_json_after_the_report() throws Exception {
    TimedReproduction repro = new TimedReproduction("demo", "2403.00000", "a demo", "the claim") {
      @Override
      protected Result reproduce(String preset, Path outDir, Context run) throws Exception {
        Files.writeString(outDir.resolve("README.md"), "report");
        assertThat(outDir.resolve("result.json")).doesNotExist();
        assertThat(run.loadAtStart()).isNotBlank();
        return run.result().metric("x", 3).reproduced(false).notes("n").build();
      }
    };
    Result r = repro.run("quick", dir);
    assertThat(repro.name()).isEqualTo("demo");
    assertThat(repro.title()).isEqualTo("a demo");
    assertThat(r.system()).isEqualTo("demo");
    assertThat(r.paper()).isEqualTo("2403.00000");
    assertThat(r.claim()).isEqualTo("the claim");
    assertThat(r.preset()).isEqualTo("quick");
    assertThat(r.runtimeS()).isGreaterThanOrEqualTo(0);
    assertThat(Result.readJson(dir.resolve("result.json")).get("metrics")).isEqualTo(Map.of("x", 3, "cpu", Machine.cpu())); // the run records its processor and kernels
  }
}
