package io.papers4j.lm.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaCheckpointTest {

  @Test
  void save_then_load_gives_the_same_logits(@TempDir Path tmp) throws Exception {
    for (LlamaConfig c : new LlamaConfig[] {LlamaModelTest.micro(false, null), LlamaModelTest.micro(true, 5)}) {
      LlamaModel m = new LlamaModel(c, 17);
      Path dir = tmp.resolve(c.modelType() + c.tieWordEmbeddings());
      LlamaCheckpoint.save(m, dir, Checkpoint.runInfo(Map.of("preset", "micro"), 17, "none", 0));
      assertThat(Files.readString(dir.resolve("config.json"))).contains("\"model_type\": \"" + c.modelType() + "\"");
      LlamaModel back = LlamaCheckpoint.load(dir);
      assertThat(back.config()).isEqualTo(c);
      Tensor x = LlamaModelTest.ids(1, 2, 7, c.vocabSize());
      try (NoGradGuard g = new NoGradGuard()) {
        assertThat(m.forward(x).sub(back.forward(x)).abs().max().item_double()).isZero();
      }
    }
  }

  @Test
  void a_wrong_shape_in_the_file_names_the_tensor(@TempDir Path tmp) {
    LlamaModel m = new LlamaModel(LlamaModelTest.micro(false, null), 17);
    Path dir = tmp.resolve("ckpt");
    LlamaCheckpoint.save(m, dir, Checkpoint.runInfo(Map.of(), 17, "none", 0));
    Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.read(dir.resolve("model.safetensors")));
    tensors.put("model.layers.1.mlp.up_proj.weight", torch.zeros(48, 31));
    Safetensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
    assertThatThrownBy(() -> LlamaCheckpoint.load(dir))
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining("model.layers.1.mlp.up_proj.weight")
        .hasMessageContaining("[48, 31]");
  }
}
