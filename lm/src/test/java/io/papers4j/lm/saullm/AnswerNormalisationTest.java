package io.papers4j.lm.saullm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnswerNormalisationTest {
  @Test
  void removes_python_string_punctuation_strips_and_lower_cases() {
    // Python: "  'Yes.'  ".translate(str.maketrans("", "", string.punctuation)).strip().lower() == "yes"
    assertThat(AnswerNormalisation.normalise("  'Yes.'  ")).isEqualTo("yes");
    assertThat(AnswerNormalisation.normalise("No!")).isEqualTo("no");
    // Every one of the 32 characters goes, inner spaces stay.
    assertThat(AnswerNormalisation.normalise("GPL-2.0+ (or later)")).isEqualTo("gpl20 or later");
    assertThat(AnswerNormalisation.normalise(AnswerNormalisation.PUNCTUATION)).isEmpty();
    assertThat(AnswerNormalisation.PUNCTUATION).hasSize(32);
  }

  @Test
  void nfkc_folds_compatibility_characters_before_matching() {
    // Full-width "Ｙｅｓ" is NFKC "Yes"; non-ASCII punctuation (a curly quote) is not in string.punctuation.
    assertThat(AnswerNormalisation.normalise("Ｙｅｓ")).isEqualTo("yes");
    assertThat(AnswerNormalisation.normalise("\u2019yes\u2019")).isEqualTo("\u2019yes\u2019");
  }

  @Test
  void a_generation_is_cut_to_its_first_non_empty_line() {
    assertThat(AnswerNormalisation.answer("\n  No.\nBecause the licence says so.")).isEqualTo("no");
    assertThat(AnswerNormalisation.answer("")).isEmpty();
    assertThat(AnswerNormalisation.answer(null)).isEmpty();
  }
}
