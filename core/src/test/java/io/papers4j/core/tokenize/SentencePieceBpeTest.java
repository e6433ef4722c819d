package io.papers4j.core.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SentencePiece-style tokenizer.json files in the three layouts real LLaMA-2/Mistral/Yi files use,
 * built here with a small vocabulary, checked id for id against Hugging Face's Rust tokenizers.
 */
class SentencePieceBpeTest {
  @TempDir Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String S = "\u2581";
  private static final List<String> TEXTS = List.of(
      "Hello world", "the other thread", " leading space", "two  spaces and trailing ",
      "café naïve — 日本 😀", "In the beginning God created the heaven", "<s>Hello</s> world<s>",
      "", "   ", "Tell\nthem\tall");

  /** A vocabulary of letters, '▁', byte tokens and the merges below; ids as LLaMA-2 lays them out. */
  private static ObjectNode file(ObjectNode normalizer, ObjectNode preTokenizer) {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    vocab.put("<unk>", 0);
    vocab.put("<s>", 1);
    vocab.put("</s>", 2);
    for (int b = 0; b < 256; b++) vocab.put(String.format("<0x%02X>", b), 3 + b);
    String chars = S + "abcdefghijklmnopqrstuvwxyzHGIT,.";
    chars.codePoints().forEach(c -> vocab.putIfAbsent(new String(Character.toChars(c)), vocab.size()));
    String[][] merges = {
      {S, "t"}, {"h", "e"}, {S + "t", "he"}, {"l", "l"}, {"e", "ll"}, {S, "w"}, {"o", "r"},
      {S + "w", "or"}, {"i", "n"}, {S, "in"}, {"H", "ell"}, {S, "Hell"}, {S, S}, {"r", "e"},
      {"a", "n"}, {S + "t", "h"}, {S, "a"}, {S + "a", "n"}, {"e", "a"}, {"v", "en"}, {"e", "n"}
    };
    ObjectNode root = JSON.createObjectNode();
    ArrayNode added = root.putArray("added_tokens");
    for (String sp : List.of("<unk>", "<s>", "</s>")) {
      added.addObject().put("id", vocab.get(sp)).put("content", sp).put("single_word", false)
          .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
    }
    root.set("normalizer", normalizer);
    root.set("pre_tokenizer", preTokenizer);
    if (preTokenizer == null) {
      // LLaMA-2's decoder: Replace('▁' → ' '), ByteFallback, Fuse, Strip(one leading space).
      ObjectNode d = root.putObject("decoder").put("type", "Sequence");
      ArrayNode list = d.putArray("decoders");
      ObjectNode r = list.addObject().put("type", "Replace");
      r.putObject("pattern").put("String", S);
      r.put("content", " ");
      list.addObject().put("type", "ByteFallback");
      list.addObject().put("type", "Fuse");
      list.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
    } else {
      ObjectNode d = root.putObject("decoder").put("type", "Sequence");
      ArrayNode list = d.putArray("decoders");
      list.addObject().put("type", "ByteFallback");
      list.add(preTokenizer.deepCopy());
    }
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE").putNull("dropout").put("unk_token", "<unk>").put("fuse_unk", true)
        .put("byte_fallback", true).put("ignore_merges", false);
    ArrayNode ms = model.putArray("merges");
    for (String[] m : merges) {
      vocab.putIfAbsent(m[0] + m[1], vocab.size());
      ms.add(m[0] + " " + m[1]);
    }
    ObjectNode v = model.putObject("vocab");
    vocab.forEach(v::put);
    return root;
  }

  private static ObjectNode legacyNormalizer() {
    ObjectNode n = JSON.createObjectNode().put("type", "Sequence");
    ArrayNode list = n.putArray("normalizers");
    list.addObject().put("type", "Prepend").put("prepend", S);
    ObjectNode r = list.addObject().put("type", "Replace");
    r.putObject("pattern").put("String", " ");
    r.put("content", S);
    return n;
  }

  private static ObjectNode metaspace(String scheme, boolean split) {
    return JSON.createObjectNode().put("type", "Metaspace").put("replacement", S)
        .put("prepend_scheme", scheme).put("split", split);
  }

  private void compareWithHf(ObjectNode json, String name) throws IOException {
    Path f = dir.resolve(name + ".json");
    Files.writeString(f, JSON.writeValueAsString(json));
    Tokenizer ours = Tokenizer.load(f);
    assertThat(ours).isInstanceOf(SentencePieceBpe.class);
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(f, Map.of("addSpecialTokens", "false"))) {
      for (String text : TEXTS) {
        long[] want = hf.encode(text, false, false).getIds();
        int[] got = ours.encode(text);
        assertThat(java.util.Arrays.stream(got).asLongStream().toArray()).as(name + ": " + text).containsExactly(want);
        assertThat(ours.decode(got)).as(name + " decode: " + text).isEqualTo(hf.decode(want, false));
      }
    }
  }

  @Test
  void llama2_legacy_normalizer_layout_matches_hf_tokenizers() throws IOException {
    compareWithHf(file(legacyNormalizer(), null), "legacy");
  }

  @Test
  void metaspace_first_without_split_matches_hf_tokenizers() throws IOException {
    compareWithHf(file(null, metaspace("first", false)), "metaspace-first");
  }

  @Test
  void metaspace_always_with_split_matches_hf_tokenizers() throws IOException {
    compareWithHf(file(null, metaspace("always", true)), "metaspace-always");
  }

  @Test
  void unknown_characters_fall_back_to_utf8_byte_tokens() throws IOException {
    Path f = dir.resolve("t.json");
    Files.writeString(f, JSON.writeValueAsString(file(legacyNormalizer(), null)));
    SentencePieceBpe t = (SentencePieceBpe) Tokenizer.load(f);
    // 'é' is U+00E9 = C3 A9 in UTF-8 → <0xC3> <0xA9> = ids 3 + 0xC3, 3 + 0xA9.
    int[] ids = t.encode("é");
    assertThat(ids).containsExactly(t.vocab().get(S), 3 + 0xC3, 3 + 0xA9);
    assertThat(t.decode(ids)).isEqualTo("é");
    assertThat(t.encode("the")).containsExactly(t.vocab().get(S + "the"));
  }
}
