package io.papers4j.datapipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML override of the defaults: nested keys merge one by one, unknown keys are named. */
class PipelineConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aNestedOverrideChangesOnlyTheKeysItNames() throws Exception {
    PipelineConfig base = PipelineConfig.defaults();
    PipelineConfig c = PipelineConfig.override(base, JSON.readTree("{\"minhash\":{\"bands\":7},\"partitions\":3}"), "test");
    assertThat(c.minhash().bands()).isEqualTo(7);
    assertThat(c.partitions()).isEqualTo(3);
    assertThat(c.minhash().rows()).isEqualTo(base.minhash().rows());
    assertThat(c.minhash().shingleSize()).isEqualTo(base.minhash().shingleSize());
    assertThat(c.topics()).isEqualTo(base.topics());
    assertThat(PipelineConfig.override(base, null, "test")).isEqualTo(base);
  }

  @Test
  void aYamlFileIsLaidOverTheDefaults(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("pipeline.yaml");
    Files.writeString(yaml, "minhash: {bands: 16, rows: 8}\nexamples: 2\n");
    PipelineConfig c = PipelineConfig.load(yaml);
    assertThat(c.minhash().bands()).isEqualTo(16);
    assertThat(c.minhash().rows()).isEqualTo(8);
    assertThat(c.examples()).isEqualTo(2);
  }

  @Test
  void badConfigsAreNamed(@TempDir Path dir) {
    PipelineConfig base = PipelineConfig.defaults();
    assertThatThrownBy(() -> PipelineConfig.override(base, JSON.readTree("{\"minhash\":{\"bandz\":7}}"), "x.yaml"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("config x.yaml: unknown key 'minhash.bandz'");
    assertThatThrownBy(() -> PipelineConfig.override(base, JSON.readTree("{\"nope\":1}"), "x.yaml"))
        .hasMessage("config x.yaml: unknown key 'nope'");
    assertThatThrownBy(() -> PipelineConfig.override(base, JSON.readTree("[1]"), "x.yaml"))
        .hasMessageContaining("the top level must be a mapping");
    assertThatThrownBy(() -> PipelineConfig.load(dir.resolve("missing.yaml"))).hasMessageContaining("does not exist");
  }
}
