package io.papers4j.core.tokenize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Trains a byte-level BPE tokenizer (Sennrich et al. 2016, byte-level as in GPT-2).
 *
 * <p>Start from the 256 byte tokens (id = byte value). Repeat: count every adjacent pair of
 * tokens over all pre-tokenizer chunks (weighted by how often the chunk occurs), merge the most
 * frequent pair into a new token, until the vocabulary has the requested size. Example
 * (Wikipedia): {@code aaabdaaabac} with 3 merges gives {@code aa→256, (256)a→257, (257)b→258}
 * and encodes to {@code [258, 100, 258, 97, 99]}.
 *
 * <p>Ties are broken deterministically, as minbpe does: among pairs with the highest count, the
 * one that occurs first in the training text wins. Pair counts are updated incrementally, only for
 * the chunks that contain the merged pair, so training on the KJV Bible takes seconds.
 */
public final class BpeTrainer {
  private BpeTrainer() {}

  /** One distinct chunk of the corpus: its current tokens and how often it occurs. */
  private static final class Word {
    int[] ids;
    final long count;

    Word(int[] ids, long count) {
      this.ids = ids;
      this.count = count;
    }
  }

  /** A pair's total count and the indices of the words it occurs in. */
  private static final class PairStat {
    long count;
    final TreeSet<Integer> words = new TreeSet<>();
  }

  /**
   * Trains on {@code text}.
   *
   * @param vocabSize final vocabulary size, special tokens included (at least 256 + specials)
   * @param specialTokens appended after the learned tokens, in order (e.g. {@code <|endoftext|>})
   */
  public static BpeTokenizer train(
      String text, int vocabSize, List<String> specialTokens, PreTokenizer preTokenizer) {
    return train(List.of(text), vocabSize, specialTokens, preTokenizer);
  }

  /** Trains on several documents (chunks never span two documents). */
  public static BpeTokenizer train(
      Iterable<String> documents, int vocabSize, List<String> specialTokens, PreTokenizer preTokenizer) {
    int target = vocabSize - specialTokens.size();
    if (target < 256) {
      throw new IllegalArgumentException(
          "vocab_size " + vocabSize + " is below 256 byte tokens + " + specialTokens.size() + " special tokens");
    }
    // Distinct chunks in order of first occurrence (the order ties are broken by).
    Map<String, long[]> counts = new LinkedHashMap<>();
    for (String doc : documents) {
      for (String chunk : preTokenizer.split(doc)) counts.computeIfAbsent(chunk, k -> new long[1])[0]++;
    }
    List<Word> words = new ArrayList<>(counts.size());
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      byte[] b = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int[] ids = new int[b.length];
      for (int i = 0; i < b.length; i++) ids[i] = b[i] & 0xFF;
      words.add(new Word(ids, e.getValue()[0]));
    }
    counts = null;

    Map<Long, PairStat> stats = new HashMap<>();
    for (int w = 0; w < words.size(); w++) addPairs(stats, words.get(w), w);

    Map<String, Integer> vocab = new LinkedHashMap<>();
    List<String> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      String t = String.valueOf(ByteLevel.charOf(b));
      vocab.put(t, b);
      tokens.add(t);
    }
    List<String[]> merges = new ArrayList<>();
    while (vocab.size() < target) {
      long best = pickBest(stats, words);
      if (best == Long.MIN_VALUE) break; // every chunk is a single token
      int a = (int) (best >>> 32);
      int b = (int) best;
      String merged = tokens.get(a) + tokens.get(b);
      Integer id = vocab.get(merged); // two merge paths can spell the same token: reuse its id
      if (id == null) {
        id = tokens.size();
        vocab.put(merged, id);
        tokens.add(merged);
      }
      merges.add(new String[] {tokens.get(a), tokens.get(b)});
      applyMerge(stats, words, best, a, b, id);
    }
    Map<String, Integer> specials = new LinkedHashMap<>();
    for (String s : specialTokens) {
      if (vocab.containsKey(s) || specials.containsKey(s)) {
        throw new IllegalArgumentException("special token '" + s + "' is already a token");
      }
      specials.put(s, tokens.size() + specials.size());
    }
    return new BpeTokenizer(vocab, merges, specials, preTokenizer);
  }

  private static void addPairs(Map<Long, PairStat> stats, Word word, int w) {
    int[] ids = word.ids;
    for (int i = 0; i + 1 < ids.length; i++) {
      PairStat s = stats.computeIfAbsent(BpeTokenizer.pair(ids[i], ids[i + 1]), k -> new PairStat());
      s.count += word.count;
      s.words.add(w);
    }
  }

  private static void removePairs(Map<Long, PairStat> stats, Word word, int w) {
    int[] ids = word.ids;
    for (int i = 0; i + 1 < ids.length; i++) {
      stats.get(BpeTokenizer.pair(ids[i], ids[i + 1])).count -= word.count;
    }
    // A pair can occur several times in one word: unlink the word once, after all decrements.
    for (int i = 0; i + 1 < ids.length; i++) {
      long p = BpeTokenizer.pair(ids[i], ids[i + 1]);
      PairStat s = stats.get(p);
      if (s == null) continue;
      s.words.remove(w);
      if (s.words.isEmpty()) stats.remove(p);
    }
  }

  /** Highest count; ties → earliest first occurrence (word index, then position). */
  private static long pickBest(Map<Long, PairStat> stats, List<Word> words) {
    long best = Long.MIN_VALUE;
    long bestCount = 0;
    int bestWord = Integer.MAX_VALUE;
    int bestPos = -1; // computed only when a tie inside the same word needs it
    for (Map.Entry<Long, PairStat> e : stats.entrySet()) {
      PairStat s = e.getValue();
      if (s.count < bestCount) continue;
      int w = s.words.first();
      if (s.count == bestCount) {
        if (w > bestWord) continue;
        if (w == bestWord) {
          int[] ids = words.get(w).ids;
          if (bestPos < 0) bestPos = firstPosition(ids, best);
          int pos = firstPosition(ids, e.getKey());
          if (pos > bestPos) continue;
          bestPos = pos;
        } else {
          bestPos = -1;
        }
      } else {
        bestPos = -1;
      }
      best = e.getKey();
      bestCount = s.count;
      bestWord = w;
    }
    return best;
  }

  private static int firstPosition(int[] ids, long pair) {
    for (int i = 0; i + 1 < ids.length; i++) {
      if (BpeTokenizer.pair(ids[i], ids[i + 1]) == pair) return i;
    }
    throw new IllegalStateException("pair index out of date");
  }

  private static void applyMerge(
      Map<Long, PairStat> stats, List<Word> words, long pair, int a, int b, int id) {
    for (int w : new ArrayList<>(stats.get(pair).words)) {
      Word word = words.get(w);
      removePairs(stats, word, w);
      int[] ids = word.ids;
      int[] out = new int[ids.length];
      int n = 0;
      for (int i = 0; i < ids.length; ) {
        if (i + 1 < ids.length && ids[i] == a && ids[i + 1] == b) {
          out[n++] = id;
          i += 2;
        } else {
          out[n++] = ids[i++];
        }
      }
      word.ids = java.util.Arrays.copyOf(out, n);
      addPairs(stats, word, w);
    }
  }
}
