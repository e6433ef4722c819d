package io.papers4j.lm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.data.Corpora;
import io.papers4j.core.data.TextCorpus;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import io.papers4j.lm.cli.LmCommand;
import io.papers4j.core.nn.adapter.AdapterMerge;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Models trained with {@code --optimizer lora|lowrank} are saved with their factors and load into a
 * plain LLaMA with the factors merged (W₀ + (α/r)·B·A, B·A): the loaded model's logits equal the
 * adapted model's.
 */
class AdapterCheckpointTest {
  static final String CORPUS = "adapter-ckpt-test";
  @TempDir static Path tmp;
  static Path tokenizerFile;

  @BeforeAll
  static void setUp() {
    Engine.init(1);
    List<String> units = new ArrayList<>();
    String[] words = {"in", "the", "beginning", "god", "created", "heaven", "and", "earth"};
    for (int i = 0; i < 300; i++) units.add(words[i % words.length] + " " + words[(i * 5) % words.length] + " " + i % 30 + ".");
    TextCorpus c = TextCorpus.of(CORPUS, "synthetic test text", units);
    Corpora.register(CORPUS, () -> c);
    BpeTokenizer tok = BpeTrainer.train(String.join("\n", units), 300, List.of(), PreTokenizer.GPT2);
    tokenizerFile = tmp.resolve("tok.json");
    tok.save(tokenizerFile);
  }

  private static LmTraining.Run train(String optimizer, Path out) {
    // rank 8, LoRA α 32 (scale 4) so that the merge is far from W₀ after two steps
    LmTrainOptions o = LmTrainOptions.builder("tiny", 2, out).optCorpus(CORPUS).optTokenizer(tokenizerFile)
        .optBatch(2).optSeq(16).optLr(1e-2).optWarmup(0).optClip(0).optWeightDecay(0).optEvalEvery(2)
        .optEvalBatches(1).optSeed(7)
        .optOptimizer(io.papers4j.lm.galore.Optimizers.factory(optimizer, 8, 200, 0.25, 32, false, 1e-2, 0, 7))
        .build();
    return LmTraining.train(o);
  }

  private static Tensor logits(LlamaModel m) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor ids = torch.arange(new org.bytedeco.pytorch.Scalar(0), new org.bytedeco.pytorch.Scalar(24))
          .remainder(new org.bytedeco.pytorch.Scalar(250)).view(2, 12); // (B, T)
      return m.forward(ids).clone(); // (B, T, V)
    }
  }

  private static double maxAbs(Tensor a) {
    return a.abs().max().item_double();
  }

  @Test
  void lora_checkpoint_loads_merged_with_equal_logits() {
    Path out = tmp.resolve("lora");
    LmTraining.Run run = train("lora", out);
    List<String> names = new ArrayList<>(Checkpoint.readHeaders(out).get(0).tensors().keySet());
    assertThat(names).contains("model.layers.0.self_attn.q_proj.lora_A.weight",
        "model.layers.0.self_attn.q_proj.lora_B.weight", "model.layers.0.self_attn.q_proj.weight");
    // B left zero after two steps (the merge would then be trivially W₀)
    Tensor b = run.model().namedParameters().get("model.layers.0.mlp.up_proj.lora_B.weight");
    assertThat(maxAbs(b)).isGreaterThan(1e-4);

    LlamaModel loaded = LlamaCheckpoint.load(out);
    assertThat(loaded.namedParameters()).doesNotContainKey("model.layers.0.self_attn.q_proj.lora_A.weight");
    Tensor want = logits(run.model()), got = logits(loaded);
    assertThat(maxAbs(got.sub(want))).isLessThan(1e-4 * Math.max(1, maxAbs(want)));
    // the merged weight is not W₀: the adapters moved the function
    Tensor w0 = Checkpoint.loadAll(out).get("model.layers.0.mlp.up_proj.weight");
    assertThat(maxAbs(loaded.namedParameters().get("model.layers.0.mlp.up_proj.weight").sub(w0))).isGreaterThan(1e-5);
  }

  @Test
  void lowrank_checkpoint_loads_merged_with_equal_logits_and_lm_eval_reads_it() {
    Path out = tmp.resolve("lowrank");
    LmTraining.Run run = train("lowrank", out);
    assertThat(Checkpoint.readHeaders(out).get(0).tensors())
        .containsKey("model.layers.1.mlp.down_proj.lowrank_B.weight")
        .doesNotContainKey("model.layers.1.mlp.down_proj.weight");
    LlamaModel loaded = LlamaCheckpoint.load(out);
    Tensor want = logits(run.model()), got = logits(loaded);
    assertThat(maxAbs(got.sub(want))).isLessThan(1e-4 * Math.max(1, maxAbs(want)));

    StringWriter sw = new StringWriter();
    CommandLine cl = new CommandLine(new LmCommand());
    cl.setOut(new PrintWriter(sw));
    int rc = cl.execute("eval", "--model", out.toString(), "--corpus", CORPUS, "--seq", "16", "--batch", "2", "--json");
    assertThat(rc).isZero();
    assertThat(sw.toString()).contains("\"val_ppl\"");
  }

  @Test
  void missing_partner_or_alpha_is_named() {
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("l.weight", torch.zeros(4, 3));
    t.put("l.lora_A.weight", torch.ones(2, 3));
    assertThatThrownBy(() -> AdapterMerge.merge(t, 32, "m.safetensors"))
        .hasMessageContaining("m.safetensors").hasMessageContaining("l.lora_B.weight");
    t.put("l.lora_B.weight", torch.ones(4, 2));
    assertThatThrownBy(() -> AdapterMerge.merge(t, Double.NaN, "m.safetensors")).hasMessageContaining("lora_alpha");
    t.put("l.lora_B.weight", torch.ones(5, 2));
    assertThatThrownBy(() -> AdapterMerge.merge(t, 32, "m.safetensors")).hasMessageContaining("l.weight");
    // hand-computed: W₀ 0 + (α/r = 32/2)·B·A with all-ones factors = 16·2 = 32 everywhere
    t.put("l.lora_B.weight", torch.ones(4, 2));
    Tensor w = AdapterMerge.merge(t, 32, "m.safetensors").get("l.weight");
    assertThat(w.shape()).containsExactly(4, 3);
    assertThat(w.min().item_double()).isEqualTo(32.0);
    assertThat(w.max().item_double()).isEqualTo(32.0);
  }

  @Test
  void lora_run_without_alpha_in_papers4j_json_fails_clearly() throws Exception {
    Path out = tmp.resolve("noalpha");
    train("lora", out);
    Path info = out.resolve(Checkpoint.PAPERS4J);
    Files.writeString(info, Files.readString(info).replace("\"lora_alpha\"", "\"alpha_removed\""));
    assertThatThrownBy(() -> LlamaCheckpoint.load(out)).hasMessageContaining("lora_alpha")
        .hasMessageContaining("model.safetensors");
  }
}
