package io.papers4j.core.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.io.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tokenizer.json layouts written by hand in the shapes real files have. */
class TokenizerJsonTest {
  @TempDir Path dir;

  /** A byte vocabulary in GPT-2's id order (bytes_to_unicode order), as real files list it. */
  private static String byteVocab() {
    StringBuilder sb = new StringBuilder();
    for (int b = 0; b < 256; b++) {
      char c = ByteLevel.charOf(b);
      String esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : String.valueOf(c);
      sb.append('"').append(esc).append("\": ").append(b).append(", ");
    }
    return sb.toString();
  }

  @Test
  void loads_a_llama3_style_file_with_split_regex_ignore_merges_and_pair_merges() throws IOException {
    // LLaMA-3 / tokenizers >= 0.20 layout: Sequence[Split(regex), ByteLevel(use_regex=false)],
    // merges as ["a", "b"] pairs, ignore_merges = true.
    String llama3Regex =
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\\\r\\\\n\\\\p{L}\\\\p{N}]?\\\\p{L}+|\\\\p{N}{1,3}| ?[^\\\\s\\\\p{L}\\\\p{N}]+[\\\\r\\\\n]*|\\\\s*[\\\\r\\\\n]+|\\\\s+(?!\\\\S)|\\\\s+";
    String json = "{\"version\": \"1.0\", \"added_tokens\": [{\"id\": 300, \"content\": \"<|begin_of_text|>\","
        + " \"special\": true}], \"normalizer\": null,"
        + " \"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": ["
        + "{\"type\": \"Split\", \"pattern\": {\"Regex\": \"" + llama3Regex + "\"}, \"behavior\": \"Isolated\", \"invert\": false},"
        + "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": false}]},"
        + " \"decoder\": {\"type\": \"ByteLevel\"},"
        + " \"model\": {\"type\": \"BPE\", \"ignore_merges\": true, \"vocab\": {" + byteVocab()
        + "\"he\": 256, \"hel\": 257, \"Ġw\": 258, \"hello\": 259},"
        + " \"merges\": [[\"h\", \"e\"], [\"he\", \"l\"], [\"Ġ\", \"w\"]]}}";
    Path f = dir.resolve("tokenizer.json");
    Files.writeString(f, json);
    BpeTokenizer t = BpeTokenizer.load(f);
    // "hello" is a whole token: ignore_merges takes it without merging (merges alone can't reach it).
    assertThat(t.encode("hello")).containsExactly(259);
    assertThat(t.encode("help")).containsExactly(257, 'p');
    // LLaMA-3's regex splits digits in groups of three and keeps the space apart from "12345".
    assertThat(t.preTokenizer().split("abc 12345 world")).containsExactly("abc", " ", "123", "45", " world");
    assertThat(t.encode("<|begin_of_text|>hello")).containsExactly(300, 259);
    assertThat(t.decode(t.encode("héllo wörld 123"))).isEqualTo("héllo wörld 123");
    // Saved and reloaded, it keeps the regex split and the ignore_merges flag.
    Path g = dir.resolve("again.json");
    t.save(g);
    BpeTokenizer back = BpeTokenizer.load(g);
    assertThat(back.encode("hello help 12345")).containsExactly(t.encode("hello help 12345"));
    assertThat(back.ignoreMerges()).isTrue();
  }

  @Test
  void refuses_sentencepiece_style_files_with_a_clear_message() throws IOException {
    String json = "{\"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Metaspace\", \"replacement\": \"▁\"},"
        + " \"model\": {\"type\": \"BPE\", \"byte_fallback\": true, \"vocab\": {}, \"merges\": []}}";
    Path f = dir.resolve("tokenizer.json");
    Files.writeString(f, json);
    assertThatThrownBy(() -> BpeTokenizer.load(f))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("byte_fallback");
    Files.writeString(f, "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
    assertThatThrownBy(() -> BpeTokenizer.load(f)).hasMessageContaining("model.type 'WordPiece'");
    Files.writeString(f, "{\"model\": ");
    assertThatThrownBy(() -> BpeTokenizer.load(f)).hasMessageContaining("not valid JSON");
  }

  @Test
  void merge_with_a_token_outside_the_vocabulary_is_named() throws IOException {
    String json = "{\"pre_tokenizer\": {\"type\": \"ByteLevel\"}, \"model\": {\"type\": \"BPE\","
        + " \"vocab\": {" + byteVocab().replaceAll(", $", "") + "}, \"merges\": [\"a b\"]}}";
    Path f = dir.resolve("tokenizer.json");
    Files.writeString(f, json);
    assertThatThrownBy(() -> BpeTokenizer.load(f)).hasMessageContaining("merge 0 'a b'");
  }

  @Test
  void trained_cache_is_reused() {
    System.setProperty("papers4j.home", dir.toString());
    try {
      BpeTokenizer a = TokenizerCache.trainOrLoad("unit-test", "the cat the hat the bat", 262, List.of("<|eot|>"));
      assertThat(Files.exists(TokenizerCache.file("unit-test", 262))).isTrue();
      BpeTokenizer b = TokenizerCache.trainOrLoad("unit-test", "ignored: loaded from the cache", 262, List.of("<|eot|>"));
      assertThat(b.vocab()).isEqualTo(a.vocab());
    } finally {
      System.clearProperty("papers4j.home");
    }
  }
}
