package io.papers4j.multimodal.movie;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The video QA model's word vocabulary: four special tokens, then every word of the story world and
 * of the question templates ({@link PlotGrammar#questions}). Words outside it map to {@code <unk>}.
 */
public final class QaVocab {
  public static final int PAD = 0, SEP = 1, EOS = 2, UNK = 3;
  private final List<String> words = new ArrayList<>();
  private final Map<String, Integer> ids = new LinkedHashMap<>();

  public QaVocab() {
    for (String s : List.of("<pad>", "<sep>", "<eos>", "<unk>")) add(s);
    List<String> all = new ArrayList<>();
    all.addAll(List.of("who", "is", "the", "main", "character", "how", "many", "places", "does", "story", "visit", "at", "where",
        "begin", "end", "go", "after", "which", "comes", "first", "or", "a", "in"));
    all.addAll(StoryWorld.LOCATIONS);
    all.addAll(StoryWorld.COLOURS);
    all.addAll(StoryWorld.KINDS);
    all.addAll(PlotGrammar.NUMBERS);
    for (String w : all) if (!ids.containsKey(w)) add(w);
  }

  private void add(String w) {
    ids.put(w, words.size());
    words.add(w);
  }

  public int size() {
    return words.size();
  }

  /** Normalised words → ids. */
  public long[] encode(String text) {
    List<String> t = QaGrader.tokens(text);
    long[] out = new long[t.size()];
    for (int i = 0; i < out.length; i++) out[i] = ids.getOrDefault(t.get(i), UNK);
    return out;
  }

  /** Ids up to the first {@code <eos>} → words joined by spaces (specials dropped). */
  public String decode(long[] idsIn) {
    StringBuilder b = new StringBuilder();
    for (long id : idsIn) {
      if (id == EOS) break;
      if (id < 4 || id >= words.size()) continue;
      if (b.length() > 0) b.append(' ');
      b.append(words.get((int) id));
    }
    return b.toString();
  }
}
