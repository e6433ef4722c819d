package io.papers4j.lm.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.DType;
import io.papers4j.core.io.SaveDtype;
import io.papers4j.core.io.Safetensors;
import io.papers4j.core.io.SafetensorsHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Assumptions;
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
  void bf16_save_writes_bf16_tensors_and_torch_dtype_and_loads_back_as_float32(@TempDir Path tmp) throws Exception {
    LlamaConfig c = LlamaModelTest.micro(false, null);
    LlamaModel m = new LlamaModel(c, 17);
    Path dir = tmp.resolve("bf16");
    LlamaCheckpoint.save(m, dir, Checkpoint.runInfo(Map.of("preset", "micro"), 17, "none", 0), SaveDtype.BF16);
    // config.json as transformers writes a bfloat16 model
    assertThat(Files.readString(dir.resolve("config.json"))).contains("\"torch_dtype\": \"bfloat16\"");
    SafetensorsHeader h = Safetensors.readHeader(dir.resolve("model.safetensors"));
    assertThat(h.tensors().values()).allMatch(t -> t.dtype() == DType.BF16);
    assertThat(h.tensors().keySet()).isEqualTo(m.namedParameters().keySet());
    // the model's own parameters were not touched
    assertThat(m.embedTokens.weight.scalar_type().intern()).isEqualTo(ScalarType.Float);

    LlamaModel back = LlamaCheckpoint.load(dir);
    assertThat(back.config().torchDtype()).isEqualTo("bfloat16");
    for (Map.Entry<String, Tensor> e : back.namedParameters().entrySet()) {
      Tensor orig = m.namedParameters().get(e.getKey());
      assertThat(e.getValue().scalar_type().intern()).isEqualTo(ScalarType.Float);
      // loaded = float32(bfloat16(original)) exactly
      Tensor rounded = orig.detach().to(ScalarType.BFloat16).to(ScalarType.Float);
      assertThat(e.getValue().sub(rounded).abs().max().item_double()).as(e.getKey()).isZero();
    }
    // and it still computes the same function to bfloat16 rounding of the weights
    Tensor x = LlamaModelTest.ids(1, 2, 7, c.vocabSize());
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor a = m.forward(x);
      double rel = a.sub(back.forward(x)).abs().max().item_double() / a.abs().max().item_double();
      System.out.printf("bf16 checkpoint: logits max |Δ| / max |logit| = %.2e%n", rel);
      assertThat(rel).isGreaterThan(0).isLessThan(2e-2);
    }

    // saving the loaded model again in f32 keeps the rounded values exactly (round trip)
    Path f32 = tmp.resolve("f32");
    LlamaCheckpoint.save(back, f32, Checkpoint.runInfo(Map.of(), 17, "none", 0), SaveDtype.F32);
    assertThat(Files.readString(f32.resolve("config.json"))).contains("\"torch_dtype\": \"float32\"");
    LlamaModel again = LlamaCheckpoint.load(f32);
    for (Map.Entry<String, Tensor> e : again.namedParameters().entrySet()) {
      assertThat(e.getValue().sub(back.namedParameters().get(e.getKey())).abs().max().item_double()).isZero();
    }
  }

  @Test
  void an_independent_numpy_reader_decodes_our_bf16_checkpoint(@TempDir Path tmp) throws Exception {
    Path script = Path.of("../tools/reference/bf16_safetensors_golden.py");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) && Files.exists(script),
        "needs /usr/bin/python3 with numpy");
    LlamaModel m = new LlamaModel(LlamaModelTest.micro(true, null), 5);
    Path dir = tmp.resolve("bf16");
    LlamaCheckpoint.save(m, dir, Checkpoint.runInfo(Map.of(), 5, "none", 0), SaveDtype.BF16);
    Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "--read",
        dir.resolve("model.safetensors").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    Assumptions.assumeTrue(p.waitFor() == 0 || !out.contains("No module named 'numpy'"), "numpy missing");
    assertThat(p.exitValue()).as(out).isZero();
    com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
    assertThat(j.size()).isEqualTo(m.namedParameters().size());
    for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
      com.fasterxml.jackson.databind.JsonNode t = j.get(e.getKey());
      assertThat(t.get("dtype").asText()).isEqualTo("BF16");
      Tensor rounded = e.getValue().detach().to(ScalarType.BFloat16).to(ScalarType.Double).reshape(-1);
      for (int i = 0; i < t.get("first").size(); i++) {
        assertThat(t.get("first").get(i).asDouble()).as(e.getKey() + "[" + i + "]")
            .isEqualTo(rounded.get(i).item_double());
      }
      assertThat(t.get("sum").asDouble()).isCloseTo(rounded.sum().item_double(), org.assertj.core.data.Offset.offset(1e-9));
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
