package io.papers4j.core.nn.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.papers4j.core.tensor.Engine;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our libtorch port of all-MiniLM-L6-v2 against onnxruntime running the original ONNX file. */
class MiniLmOnnxReferenceTest {
  static final List<String> SENTENCES = List.of(
      "The court dismissed the appeal.",
      "A judge rejected the appeal on procedural grounds, citing the statute of limitations.",
      "The cat sat on the mat.",
      "Licensed under the Apache License, Version 2.0; you may not use this file except in compliance.",
      "héllo wörld — ünïcode, numbers 12345 and punctuation!?");

  static BertEncoder ours;
  static HuggingFaceTokenizer tok;

  @BeforeAll
  static void load() throws Exception {
    Engine.init();
    ours = MiniLm.load();
    tok = MiniLm.tokenizer();
  }

  @Test
  void last_hidden_state_matches_onnxruntime_within_1e_4() throws Exception {
    Tensor[] enc = MiniLm.encode(tok, SENTENCES);
    long b = enc[0].size(0);
    long t = enc[0].size(1);
    long[] ids = toLongs(enc[0]);
    long[] mask = toLongs(enc[1]);
    float[] reference;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    byte[] model;
    try (InputStream in = MiniLm.class.getResourceAsStream(MiniLm.ONNX_RESOURCE)) {
      model = in.readAllBytes();
    }
    try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor idT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {b, t});
        OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {b, t});
        OnnxTensor typeT = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), new long[] {b, t});
        OrtSession.Result r = s.run(Map.of("input_ids", idT, "attention_mask", maskT, "token_type_ids", typeT))) {
      OnnxTensor out = (OnnxTensor) r.get(0);
      reference = new float[(int) (b * t * 384)];
      out.getFloatBuffer().get(reference);
    }
    List<Tensor> hs = ours.hiddenStates(enc[0], enc[1]);
    Tensor last = hs.get(hs.size() - 1).contiguous();
    float[] got = new float[reference.length];
    ((java.nio.FloatBuffer) last.createBuffer()).get(got);
    double maxDiff = 0;
    for (int i = 0; i < (int) b; i++) {
      for (int j = 0; j < t; j++) {
        if (mask[(int) (i * t + j)] == 0) continue; // padded positions are undefined in both
        for (int k = 0; k < 384; k++) {
          int idx = (int) ((i * t + j) * 384 + k);
          maxDiff = Math.max(maxDiff, Math.abs(got[idx] - reference[idx]));
        }
      }
    }
    System.out.println("MiniLM vs onnxruntime: maxdiff = " + maxDiff);
    assertThat(hs).hasSize(7);
    assertThat(maxDiff).isLessThanOrEqualTo(1e-4);
  }

  @Test
  void sentence_embeddings_rank_paraphrases_above_unrelated_sentences() {
    Tensor[] enc = MiniLm.encode(tok, SENTENCES.subList(0, 3));
    Tensor e = ours.sentenceEmbedding(enc[0], enc[1]); // (3, 384), unit rows
    Tensor sims = torch.matmul(e, e.t());
    double paraphrase = sims.get(0).get(1).item_double();
    double unrelated = sims.get(0).get(2).item_double();
    assertThat(e.get(0).norm().item_double()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(paraphrase).isGreaterThan(unrelated + 0.3);
  }

  @Test
  void features_give_token_states_and_the_pooled_vector_in_one_pass() {
    Tensor[] enc = MiniLm.encode(tok, SENTENCES.subList(0, 2));
    BertEncoder.Features f = ours.features(enc[0], enc[1]);
    List<Tensor> hs = ours.hiddenStates(enc[0], enc[1]);
    assertThat(f.tokens().shape()).containsExactly(2, enc[0].size(1), 384);
    assertThat(f.pooled().shape()).containsExactly(2, 384);
    assertThat(f.tokens().sub(hs.get(hs.size() - 1)).abs().max().item_double()).isZero();
    assertThat(f.pooled().sub(ours.sentenceEmbedding(enc[0], enc[1])).abs().max().item_double()).isZero();
    assertThat(torch.equal(f.mask(), enc[1])).isTrue();
  }

  @Test
  void prompts_that_are_empty_or_would_be_cut_are_refused() {
    Tensor[] ok = MiniLm.encodePrompts(tok, List.of("a red apple", "a small blue star at the top left"));
    assertThat(ok[0].size(0)).isEqualTo(2);
    assertThatThrownBy(() -> MiniLm.encodePrompts(tok, List.of("a red apple", "  "))).hasMessage("prompt 2 is empty");
    String tooLong = "apple ".repeat(200);
    assertThat(MiniLm.encode(tok, List.of(tooLong))[0].size(1)).isEqualTo(MiniLm.MAX_TOKENS); // encode cuts silently
    assertThatThrownBy(() -> MiniLm.encodePrompts(tok, List.of(tooLong)))
        .hasMessageContaining("prompt 1").hasMessageContaining("longer than the text encoder's 128 tokens");
    String fits = "apple ".repeat(126); // 126 word pieces + [CLS] + [SEP]
    assertThat(MiniLm.encodePrompts(tok, List.of(fits))[0].size(1)).isEqualTo(128);
  }

  private static long[] toLongs(Tensor t) {
    long[] a = new long[(int) t.numel()];
    ((LongBuffer) t.contiguous().createBuffer()).get(a);
    return a;
  }
}
