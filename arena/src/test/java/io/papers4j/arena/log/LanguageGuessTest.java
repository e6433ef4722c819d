package io.papers4j.arena.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LanguageGuessTest {

  @Test
  void scripts_and_function_words_name_the_language() {
    assertThat(LanguageGuess.of("What is the capital of France, and how do you get there?")).isEqualTo("English");
    assertThat(LanguageGuess.of("¿Cuál es la capital de Francia y cómo se llega por tren?")).isEqualTo("Spanish");
    assertThat(LanguageGuess.of("Quelle est la capitale de la France et comment y aller ?")).isEqualTo("French");
    assertThat(LanguageGuess.of("Was ist die Hauptstadt von Frankreich und wie komme ich dorthin?")).isEqualTo("German");
    assertThat(LanguageGuess.of("Você pode me dizer qual é a capital da França?")).isEqualTo("Portuguese");
    assertThat(LanguageGuess.of("Qual è la capitale della Francia e come ci arrivo?")).isEqualTo("Italian");
    assertThat(LanguageGuess.of("Wat is de hoofdstad van Frankrijk en hoe kom ik daar?")).isEqualTo("Dutch");
    assertThat(LanguageGuess.of("法国的首都是哪里？")).isEqualTo("Chinese");
    assertThat(LanguageGuess.of("フランスの首都はどこですか？")).isEqualTo("Japanese");
    assertThat(LanguageGuess.of("프랑스의 수도는 어디입니까?")).isEqualTo("Korean");
    assertThat(LanguageGuess.of("Какая столица Франции?")).isEqualTo("Russian");
    assertThat(LanguageGuess.of("Яка столиця Франції?")).isEqualTo("Ukrainian");
    assertThat(LanguageGuess.of("ما هي عاصمة فرنسا؟")).isEqualTo("Arabic");
    assertThat(LanguageGuess.of("Ποια είναι η πρωτεύουσα της Γαλλίας;")).isEqualTo("Greek");
  }

  @Test
  void too_little_evidence_is_unknown() {
    for (String s : List.of("", "   ", "12345 + 678", "x = y", "Paris?", ":-)")) {
      assertThat(LanguageGuess.of(s)).as("%s", s).isEqualTo("unknown");
    }
  }

  @Test
  void the_cleaner_writes_the_first_user_message_language() {
    String line = "{\"tstamp\":1.0,\"type\":\"leftvote\",\"models\":[\"\",\"\"],\"states\":["
        + "{\"conv_id\":\"c-a\",\"model_name\":\"m1\",\"offset\":0,\"messages\":[[\"user\",\"Was ist die Hauptstadt von Frankreich und wie komme ich dorthin?\"],[\"assistant\",\"Paris.\"]]},"
        + "{\"conv_id\":\"c-b\",\"model_name\":\"m2\",\"offset\":0,\"messages\":[[\"user\",\"Was ist die Hauptstadt von Frankreich und wie komme ich dorthin?\"],[\"assistant\",\"Paris!\"]]}],"
        + "\"ip\":\"1.2.3.4\"}";
    var clean = new Cleaner(List.of("m1", "m2")).clean(line);
    assertThat(clean).isNotNull();
    assertThat(clean.get("language").asText()).isEqualTo("German");
  }
}
