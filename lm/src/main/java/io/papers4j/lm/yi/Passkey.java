package io.papers4j.lm.yi;

import io.papers4j.core.tokenize.Tokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Passkey retrieval, the needle-in-a-haystack test of long-context models (Mohtashami & Jaggi 2023;
 * Yi reports it at 200K tokens, arXiv 2403.04652 §7.1, Fig. 6), built at the token level:
 *
 * <pre>
 *   [haystack · depth] [needle] [haystack · (1 − depth)] [question] → answer
 *   needle   = " The pass key is 48213. Remember it. 48213 is the pass key."
 *   question = " What is the pass key? The pass key is"
 *   answer   = " 48213."
 * </pre>
 *
 * The haystack is real text (windows of a corpus's token stream). Each piece is encoded on its
 * own and the ids are concatenated, so the needle and answer tokenise the same wherever they sit.
 * The same construction makes the synthetic passkey documents mixed into long-context training
 * ({@link #document}), which is how a model this small learns the retrieval task at all.
 */
public final class Passkey {
  static final int DIGITS = 5;

  private final Tokenizer tokenizer;
  private final int[] question;

  public Passkey(Tokenizer tokenizer) {
    this.tokenizer = tokenizer;
    this.question = tokenizer.encode(" What is the pass key? The pass key is");
  }

  /** A prompt and the answer the model must produce after it. */
  public record Trial(int[] prompt, int[] answer, String key, int needleAt) {}

  /** A random five-digit key, never starting with 0 so its length is fixed. */
  public static String randomKey(SplittableRandom rng) {
    return Integer.toString(10_000 + rng.nextInt(90_000));
  }

  int[] needle(String key) {
    return tokenizer.encode(" The pass key is " + key + ". Remember it. " + key + " is the pass key.");
  }

  int[] answer(String key) {
    return tokenizer.encode(" " + key + ".");
  }

  /**
   * A prompt of exactly {@code length} tokens: haystack from {@code hay} starting at {@code offset}
   * (wrapping around), the needle after a fraction {@code depth} of the haystack, then the question.
   */
  public Trial trial(int[] hay, int offset, int length, double depth, String key) {
    if (!(depth >= 0 && depth <= 1)) throw new IllegalArgumentException("depth must be in [0, 1], got " + depth);
    int[] needle = needle(key);
    int fill = length - needle.length - question.length;
    if (fill < 0) {
      throw new IllegalArgumentException(
          "length " + length + " cannot hold the needle and the question (" + (needle.length + question.length) + " tokens)");
    }
    if (hay.length == 0) throw new IllegalArgumentException("the haystack text is empty");
    int before = (int) Math.round(depth * fill);
    int[] prompt = new int[length];
    int p = 0;
    for (int i = 0; i < before; i++) prompt[p++] = hay[Math.floorMod(offset + i, hay.length)];
    int needleAt = p;
    for (int t : needle) prompt[p++] = t;
    for (int i = before; i < fill; i++) prompt[p++] = hay[Math.floorMod(offset + i, hay.length)];
    for (int t : question) prompt[p++] = t;
    return new Trial(prompt, answer(key), key, needleAt);
  }

  /**
   * A training document of exactly {@code length} tokens: a trial whose prompt is shortened so that
   * the answer ends the document. Key, depth and haystack offset are drawn from {@code rng}.
   */
  public int[] document(int[] hay, int length, SplittableRandom rng) {
    String key = randomKey(rng);
    int[] answer = answer(key);
    Trial t = trial(hay, rng.nextInt(hay.length), length - answer.length, rng.nextDouble(), key);
    int[] doc = Arrays.copyOf(t.prompt(), length);
    System.arraycopy(answer, 0, doc, t.prompt().length, answer.length);
    return doc;
  }

  /**
   * A recitation document of exactly {@code length} tokens: a passage of the text with a needle at a
   * random depth, then the same passage again from its start (cut at {@code length}). Yi's synthetic
   * long-context QA makes the answer first recite the relevant passage (§7.1); here every token of
   * the second copy, the key included, is predictable only by copying from the first, which gives a
   * small model many more copy targets per sequence than a pass-key document's ten digits. The
   * passage length is drawn in [length / 4, 3 · length / 4], so the distance to the token to copy
   * changes from document to document and a fixed-offset attention cannot stand in for looking the
   * content up.
   */
  public int[] recitation(int[] hay, int length, SplittableRandom rng) {
    int[] needle = needle(randomKey(rng));
    int lo = Math.max(length / 4, needle.length + 1);
    int hi = Math.max(lo, 3 * length / 4);
    return recitation(hay, length, lo + rng.nextInt(hi - lo + 1), needle, rng);
  }

  /** A recitation document whose first copy of the passage is {@code passage} tokens long. */
  int[] recitation(int[] hay, int length, int passage, SplittableRandom rng) {
    return recitation(hay, length, passage, needle(randomKey(rng)), rng);
  }

  private static int[] recitation(int[] hay, int length, int passage, int[] needle, SplittableRandom rng) {
    if (passage <= needle.length || passage > length) {
      throw new IllegalArgumentException(
          "length " + length + " cannot hold a recited needle (" + needle.length + " tokens) in a passage of " + passage);
    }
    int fill = passage - needle.length;
    int before = (int) Math.round(rng.nextDouble() * fill);
    int offset = rng.nextInt(hay.length);
    int[] first = new int[passage];
    int p = 0;
    for (int i = 0; i < before; i++) first[p++] = hay[Math.floorMod(offset + i, hay.length)];
    for (int t : needle) first[p++] = t;
    for (int i = before; i < fill; i++) first[p++] = hay[Math.floorMod(offset + i, hay.length)];
    int[] doc = new int[length];
    for (int i = 0; i < length; i++) doc[i] = first[i % passage];
    return doc;
  }

  /** Shortest and longest copy distance of {@link #repeatedTokens}. */
  static final int MIN_REPEAT = 16;
  static final int MAX_REPEAT = 120;

  /**
   * A repeated-random-tokens document of exactly {@code length} tokens: a span of d ids drawn
   * uniformly from the vocabulary, then the span again and again, cut at {@code length}. Every token
   * after the first span is predictable only by copying the token d positions back, and nothing
   * else is predictable at all: the classic data on which induction heads form (Olsson et al. 2022).
   * d is drawn uniformly in [16, 120] (capped at {@code length - 1}), so the copy distance varies
   * from document to document and a fixed-offset head cannot stand in for the lookup.
   */
  public int[] repeatedTokens(int length, SplittableRandom rng) {
    return repeatedTokens(length, rng, null);
  }

  /**
   * As {@link #repeatedTokens(int, SplittableRandom)}, with the span's ids drawn uniformly from
   * {@code pool} (the whole vocabulary when null), e.g. a {@link #copyVocabulary}.
   */
  public int[] repeatedTokens(int length, SplittableRandom rng, int[] pool) {
    return repeatedTokens(length, rng, pool, MIN_REPEAT, MAX_REPEAT);
  }

  /** As above, with the copy distance drawn in [{@code minSpan}, {@code maxSpan}] (capped at length - 1). */
  public int[] repeatedTokens(int length, SplittableRandom rng, int[] pool, int minSpan, int maxSpan) {
    checkRepeatSpan(minSpan, maxSpan);
    int hi = Math.min(maxSpan, length - 1);
    int lo = Math.min(minSpan, hi);
    int span = lo + rng.nextInt(hi - lo + 1);
    int vocab = tokenizer.vocabSize();
    int[] first = new int[span];
    for (int i = 0; i < span; i++) first[i] = pool == null ? rng.nextInt(vocab) : pool[rng.nextInt(pool.length)];
    int[] doc = new int[length];
    for (int i = 0; i < length; i++) doc[i] = first[i % span];
    return doc;
  }

  /** Rejects a copy-distance range that {@link #repeatedTokens} cannot draw from. */
  static void checkRepeatSpan(int minSpan, int maxSpan) {
    if (minSpan < 1 || maxSpan < minSpan) {
      throw new IllegalArgumentException("--repeat-span must be MIN-MAX with 1 <= MIN <= MAX, got " + minSpan + "-" + maxSpan);
    }
  }

  /**
   * A small sub-vocabulary of {@code size} distinct ids for repeated-token rows: every id that a
   * pass-key answer or needle tokenizes its digits into (so the copy circuit forms on the very tokens
   * the answer needs), then ids drawn from the rest of the vocabulary with {@code seed} up to
   * {@code size}. Each id of a small pool is seen often: a 2-layer model learns to copy 64 ids by
   * content within 700 steps, but as the repeated rows of the 4-layer Yi base it delayed the copy of
   * the key instead (docs/yi-long-context.md, fourth look).
   */
  public int[] copyVocabulary(int size, long seed) {
    int vocab = tokenizer.vocabSize();
    if (size < 2 || size > vocab) {
      throw new IllegalArgumentException("--repeat-vocab must be in [2, " + vocab + "] (the vocabulary), got " + size);
    }
    java.util.LinkedHashSet<Integer> ids = new java.util.LinkedHashSet<>();
    SplittableRandom keys = new SplittableRandom(seed);
    for (int k = 0; k < 200; k++) {
      String key = randomKey(keys);
      for (int[] piece : new int[][] {answer(key), needle(key)}) {
        for (int id : piece) {
          if (tokenizer.decode(new int[] {id}).chars().anyMatch(Character::isDigit)) ids.add(id);
        }
      }
    }
    SplittableRandom rest = new SplittableRandom(seed + 1);
    while (ids.size() < size) ids.add(rest.nextInt(vocab));
    // more digit ids than size: keep the first size of them
    return Arrays.copyOf(ids.stream().mapToInt(Integer::intValue).toArray(), size);
  }

  /** True when token {@code id} decodes to whitespace only. */
  boolean blank(int id) {
    return tokenizer.decode(new int[] {id}).isBlank();
  }

  /** True when the generated ids decode to text whose first digit run is the key. */
  public boolean correct(int[] generated, String key) {
    String text = tokenizer.decode(generated);
    int i = 0;
    while (i < text.length() && !Character.isDigit(text.charAt(i))) {
      if (!Character.isWhitespace(text.charAt(i))) return false; // anything but the key first is wrong
      i++;
    }
    int j = i;
    while (j < text.length() && Character.isDigit(text.charAt(j))) j++;
    return text.substring(i, j).equals(key);
  }
}
