package io.papers4j.arena.log;

import java.lang.Character.UnicodeScript;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A small language guess for the cleaner's {@code language} field, in polyglot's English names
 * ("English", "Chinese", …) as FastChat's {@code clean_battle_data.py} writes them, or "unknown".
 * FastChat runs polyglot's detector (a trained model we do not have) on the first user message;
 * this is a transparent stand-in: the dominant Unicode script decides scripts that one language
 * owns here (Hangul → Korean, kana → Japanese, Han alone → Chinese, Thai, Greek, Hebrew,
 * Devanagari → Hindi; Cyrillic → Russian unless Ukrainian letters occur; Arabic → Persian when
 * Persian letters occur), and Latin text is scored by counting each language's most frequent
 * function words. Fewer than two function-word hits, or a tie, gives "unknown" rather than a guess.
 */
public final class LanguageGuess {
  private LanguageGuess() {}

  private static final Map<String, Set<String>> FUNCTION_WORDS = new LinkedHashMap<>();

  static {
    FUNCTION_WORDS.put("English", Set.of("the", "and", "is", "of", "to", "in", "that", "it", "what", "how", "you", "are", "with", "for", "this", "can", "be", "do", "i", "a", "me", "my", "write", "please"));
    FUNCTION_WORDS.put("Spanish", Set.of("el", "la", "los", "las", "de", "que", "y", "en", "es", "un", "una", "por", "para", "con", "qué", "cómo", "del", "se", "no", "lo", "mi", "puedes"));
    FUNCTION_WORDS.put("French", Set.of("le", "la", "les", "de", "des", "et", "est", "un", "une", "que", "qui", "dans", "pour", "pas", "en", "du", "je", "vous", "il", "ce", "sur", "avec", "quel", "quelle", "comment"));
    FUNCTION_WORDS.put("German", Set.of("der", "die", "das", "und", "ist", "nicht", "ein", "eine", "ich", "zu", "mit", "den", "von", "was", "wie", "sie", "es", "auf", "für", "du", "bitte", "mir"));
    FUNCTION_WORDS.put("Portuguese", Set.of("o", "os", "as", "de", "que", "e", "é", "um", "uma", "para", "com", "não", "em", "do", "da", "você", "como", "por", "qual", "meu", "minha"));
    FUNCTION_WORDS.put("Italian", Set.of("il", "lo", "gli", "di", "che", "e", "è", "un", "una", "per", "con", "non", "in", "del", "della", "come", "sono", "mi", "cosa", "puoi"));
    FUNCTION_WORDS.put("Dutch", Set.of("de", "het", "een", "en", "van", "is", "niet", "dat", "ik", "je", "met", "voor", "op", "wat", "hoe", "zijn", "er", "kun"));
  }

  /** The guessed language of {@code text}. */
  public static String of(String text) {
    if (text == null || text.isBlank()) return "unknown";
    Map<UnicodeScript, Integer> letters = new EnumMap<>(UnicodeScript.class);
    boolean ukrainian = false, persian = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp)) continue;
      letters.merge(UnicodeScript.of(cp), 1, Integer::sum);
      ukrainian |= "іїєґІЇЄҐ".indexOf(cp) >= 0;
      persian |= "پچژگکی".indexOf(cp) >= 0;
    }
    if (letters.isEmpty()) return "unknown";
    int kana = letters.getOrDefault(UnicodeScript.HIRAGANA, 0) + letters.getOrDefault(UnicodeScript.KATAKANA, 0);
    UnicodeScript top = null;
    for (var e : letters.entrySet()) if (top == null || e.getValue() > letters.get(top)) top = e.getKey();
    if (kana > 0 && (top == UnicodeScript.HAN || top == UnicodeScript.HIRAGANA || top == UnicodeScript.KATAKANA)) return "Japanese";
    return switch (top) {
      case HANGUL -> "Korean";
      case HAN -> "Chinese";
      case CYRILLIC -> ukrainian ? "Ukrainian" : "Russian";
      case ARABIC -> persian ? "Persian" : "Arabic";
      case HEBREW -> "Hebrew";
      case GREEK -> "Greek";
      case THAI -> "Thai";
      case DEVANAGARI -> "Hindi";
      case LATIN -> latin(text);
      default -> "unknown";
    };
  }

  private static String latin(String text) {
    String best = "unknown";
    int bestHits = 0;
    boolean tie = false;
    String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+");
    for (var lang : FUNCTION_WORDS.entrySet()) {
      int hits = 0;
      for (String w : words) if (lang.getValue().contains(w)) hits++;
      if (hits > bestHits) {
        best = lang.getKey();
        bestHits = hits;
        tie = false;
      } else if (hits == bestHits && hits > 0) {
        tie = true;
      }
    }
    return bestHits >= 2 && !tie ? best : "unknown";
  }
}
