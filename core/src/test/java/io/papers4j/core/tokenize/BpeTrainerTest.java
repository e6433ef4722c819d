package io.papers4j.core.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {
  @TempDir Path dir;

  private static final String TEXT =
      "In the beginning God created the heaven and the earth. And the earth was without form, and"
          + " void; and darkness was upon the face of the deep. And the Spirit of God moved upon the"
          + " face of the waters. And God said, Let there be light: and there was light.\n"
          + "naïve café — Ελληνικά 日本語 😀👍🏽 123 4567 it's we're   spaced\t\ttabs\n";

  @Test
  void wikipedia_example_gives_minbpe_ids() {
    // https://en.wikipedia.org/wiki/Byte_pair_encoding, minbpe tests/test_tokenizer.py
    BpeTokenizer t = BpeTrainer.train("aaabdaaabac", 256 + 3, List.of(), PreTokenizer.GPT2);
    assertThat(t.encode("aaabdaaabac")).containsExactly(258, 100, 258, 97, 99);
    assertThat(t.decode(new int[] {258, 100, 258, 97, 99})).isEqualTo("aaabdaaabac");
    // The merges minbpe learns: first-occurring pair wins the tie between (256,a) and (a,b).
    assertThat(t.merges()).extracting(m -> m[0] + "+" + m[1]).containsExactly("a+a", "aa+a", "aaa+b");
  }

  @Test
  void trained_tokenizer_round_trips_any_text() {
    BpeTokenizer t = BpeTrainer.train(TEXT, 300, List.of("<|endoftext|>"), PreTokenizer.GPT2);
    assertThat(t.vocabSize()).isEqualTo(300);
    assertThat(t.specialId("<|endoftext|>")).isEqualTo(299);
    for (String s : List.of(TEXT, "", " ", "unseen words: Zoë's ünïcödé 🚀🚀 \r\n\u00a0x",
        "And God saw the light<|endoftext|>that it was good")) {
      assertThat(t.decode(t.encode(s))).isEqualTo(s);
    }
    // 43 merges learned on this very text must shorten it.
    assertThat(t.encode(TEXT).length).isLessThan(TEXT.getBytes(java.nio.charset.StandardCharsets.UTF_8).length * 3 / 4);
    int[] withSpecial = t.encode("light<|endoftext|>light");
    assertThat(withSpecial).contains(299);
  }

  @Test
  void training_is_deterministic_and_merges_the_most_frequent_pair_first() {
    BpeTokenizer a = BpeTrainer.train(TEXT, 280, List.of(), PreTokenizer.GPT2);
    BpeTokenizer b = BpeTrainer.train(TEXT, 280, List.of(), PreTokenizer.GPT2);
    assertThat(a.merges()).usingRecursiveFieldByFieldElementComparator().isEqualTo(b.merges());
    assertThat(a.vocab()).isEqualTo(b.vocab());
    // The first merge is the most frequent adjacent byte pair within chunks, counted naively here.
    java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    for (String chunk : PreTokenizer.GPT2.split(TEXT)) {
      String bytes = ByteLevel.encode(chunk);
      for (int i = 0; i + 1 < bytes.length(); i++) counts.merge(bytes.substring(i, i + 2), 1, Integer::sum);
    }
    int max = java.util.Collections.max(counts.values());
    String expected = counts.entrySet().stream().filter(e -> e.getValue() == max).findFirst().get().getKey();
    assertThat(a.merges().get(0)[0] + a.merges().get(0)[1]).isEqualTo(expected);
  }

  @Test
  void tokenizer_json_round_trip_keeps_ids() {
    BpeTokenizer t = BpeTrainer.train(TEXT, 320, List.of("<|endoftext|>", "<|pad|>"), PreTokenizer.GPT2);
    Path file = dir.resolve("tokenizer.json");
    t.save(file);
    BpeTokenizer back = BpeTokenizer.load(file);
    assertThat(back.vocab()).isEqualTo(t.vocab());
    assertThat(back.encode(TEXT + "<|pad|>")).containsExactly(t.encode(TEXT + "<|pad|>"));
    assertThat(back.specialTokens()).isEqualTo(t.specialTokens());
  }

  @Test
  void vocab_size_below_the_bytes_is_refused() {
    assertThatThrownBy(() -> BpeTrainer.train("abc", 200, List.of(), PreTokenizer.GPT2))
        .hasMessageContaining("vocab_size 200");
  }
}
