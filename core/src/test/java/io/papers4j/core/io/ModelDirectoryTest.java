package io.papers4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
  @TempDir Path tmp;

  record TinyConfig(int width, String name) {}

  private static Map<String, Tensor> weights() {
    Map<String, Tensor> w = new LinkedHashMap<>();
    w.put("proj.weight", Tensors.floats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).t()); // a non-contiguous view
    w.put("proj.bias", Tensors.floats(new float[] {-1, 1, 0.5f}, 3));
    return w;
  }

  @Test
  void round_trips_config_weights_and_run_record() throws IOException {
    Path dir = tmp.resolve("m");
    Map<String, Tensor> w = weights();
    ModelDirectory.save(dir, new TinyConfig(3, "tiny"), w, "test-system", Map.of("step", 7));

    assertThat(ModelDirectory.readConfig(dir, TinyConfig.class, "a tiny model", "")).isEqualTo(new TinyConfig(3, "tiny"));
    Map<String, Tensor> back = ModelDirectory.readWeights(dir);
    assertThat(back.keySet()).containsExactlyInAnyOrder("proj.weight", "proj.bias");
    assertThat(back.get("proj.weight").shape()).containsExactly(3, 2);
    assertThat(Tensors.toDoubles(back.get("proj.weight"))).containsExactly(1, 4, 2, 5, 3, 6);
    assertThat(Tensors.toDoubles(back.get("proj.bias"))).containsExactly(-1, 1, 0.5);
    assertThat(Checkpoint.readRunInfo(dir)).containsEntry("system", "test-system").containsEntry("step", 7);
    assertThat(ModelDirectory.weightsFile(dir)).isEqualTo(dir.resolve("model.safetensors"));
  }

  @Test
  void a_save_keeps_other_files_of_the_directory() throws IOException {
    Path dir = tmp.resolve("run");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("loss.csv"), "step,loss\n");
    ModelDirectory.save(dir, new TinyConfig(1, "a"), weights(), "s", Map.of());
    ModelDirectory.save(dir, new TinyConfig(2, "b"), weights(), "s", Map.of());
    assertThat(dir.resolve("loss.csv")).hasContent("step,loss");
    assertThat(ModelDirectory.readConfig(dir, TinyConfig.class, "a tiny model", "").width()).isEqualTo(2);
  }

  @Test
  void a_directory_without_both_files_is_named_with_the_kind_and_the_hint() throws IOException {
    Path dir = tmp.resolve("half");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), "{\"width\": 1, \"name\": \"x\"}");
    assertThatThrownBy(() -> ModelDirectory.readConfig(dir, TinyConfig.class, "a tiny model", "train one with 'tiny train'"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(dir + " is not a tiny model (needs config.json and model.safetensors; train one with 'tiny train')");
    assertThatThrownBy(() -> ModelDirectory.readConfig(tmp.resolve("absent"), TinyConfig.class, "a tiny model", ""))
        .hasMessageEndingWith("is not a tiny model (needs config.json and model.safetensors)");
  }

  @Test
  void a_malformed_config_or_weights_file_gives_one_message_naming_the_file() throws IOException {
    Path dir = tmp.resolve("bad");
    ModelDirectory.save(dir, new TinyConfig(3, "tiny"), weights(), "s", Map.of());
    Files.writeString(dir.resolve("config.json"), "{\"width\": \"wide\"");
    assertThatThrownBy(() -> ModelDirectory.readConfig(dir, TinyConfig.class, "a tiny model", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(dir.resolve("config.json") + ": not the config of a tiny model (");

    Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> ModelDirectory.readWeights(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model.safetensors");
  }
}
