package io.papers4j.lm.yi;

import io.papers4j.core.train.Trainer;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.train.LmTrainOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Whether a model copies yet, measured cheaply while it trains: teacher-forced (argmax) accuracy on
 * fixed held-out documents at the positions only a lookup can predict.
 *
 * <ul>
 *   <li>{@code mention}: the key's digits in the needle's second mention ("Remember it. 48213 is the
 *       pass key"), a few tokens after the first;
 *   <li>{@code answer}: the digits of the answer after the question, tens of tokens after the
 *       needle, whose depth varies from document to document;
 *   <li>{@code repeat}: the tokens of the second and later copies of a {@link
 *       Passkey#repeatedTokens} span of the whole vocabulary (copy distance 16-120), chance
 *       1/vocabulary;
 *   <li>{@code repeat_train}: the same on documents drawn as the run's own repeated-token rows
 *       ({@link RepeatRows}: {@code --repeat-vocab}, {@code --repeat-span}). A model trained on a
 *       64-id copy vocabulary copies those ids and scores ~0 on the whole vocabulary's, so only
 *       this one says whether the copy the run trains has formed.
 * </ul>
 *
 * Chance on a digit is about 1/10; a model that learned the format but not the lookup writes a
 * fixed digit pattern and stays near it. Retrieval forms abruptly after a plateau (the induction-head
 * phase change), so this is logged every N steps to see when, before a long-context run is spent.
 */
public final class CopyYardstick {
  /** Accuracies at one step. */
  public record Score(long step, double mention, double answer, double repeat, double repeatTrain) {
    String json() {
      return String.format(Locale.ROOT,
          "{\"step\":%d,\"mention\":%.4f,\"answer\":%.4f,\"repeat\":%.4f,\"repeat_train\":%.4f}", step, mention,
          answer, repeat, repeatTrain);
    }
  }

  /**
   * How a run draws its repeated-token rows, as {@link PasskeyTrainData} does: ids from {@link
   * Passkey#copyVocabulary}{@code (vocab, poolSeed)} (0 = the whole vocabulary), copy distance in
   * [{@code minSpan}, {@code maxSpan}].
   */
  public record RepeatRows(int vocab, long poolSeed, int minSpan, int maxSpan) {
    public RepeatRows {
      if (vocab == 0) poolSeed = 0; // the seed picks nothing from the whole vocabulary
    }

    /** The defaults of {@code lm train}: the whole vocabulary at distances 16-120. */
    public static final RepeatRows WHOLE_VOCABULARY = new RepeatRows(0, 0, Passkey.MIN_REPEAT, Passkey.MAX_REPEAT);

    int[] pool(Passkey passkey) {
      return vocab == 0 ? null : passkey.copyVocabulary(vocab, poolSeed);
    }
  }

  final long[] passkeyDocs; // (n, seq) inputs
  final boolean[] mentionAt; // input positions whose next token is a second-mention digit
  final boolean[] answerAt; // ... an answer digit
  final long[] passkeyNext; // the token after each input position
  final RepeatDocs repeat; // the whole vocabulary at distances 16-120
  final RepeatDocs repeatTrain; // drawn as the run's repeated-token rows; the same documents when those are the defaults
  private final int seq;

  /** Repeated-token documents (n, seq) with the positions whose next token is a copy. */
  record RepeatDocs(long[] docs, boolean[] at, long[] next) {
    static RepeatDocs draw(Passkey passkey, int seq, int n, SplittableRandom rng, int[] pool, int minSpan, int maxSpan) {
      long[] docs = new long[n * seq];
      boolean[] at = new boolean[n * seq];
      long[] next = new long[n * seq];
      for (int r = 0; r < n; r++) {
        int[] doc = passkey.repeatedTokens(seq + 1, rng, pool, minSpan, maxSpan);
        int span = period(doc);
        for (int i = 0; i < seq; i++) {
          docs[r * seq + i] = doc[i];
          next[r * seq + i] = doc[i + 1];
          at[r * seq + i] = i + 1 >= span;
        }
      }
      return new RepeatDocs(docs, at, next);
    }
  }

  // the arrays are package-private so that tests can check which positions are scored
  /**
   * {@code docs} pass-key documents of {@code seq + 1} tokens over {@code hay} (held-out text; key,
   * depth and offset drawn from {@code seed}) and as many repeated-token documents.
   */
  public CopyYardstick(Passkey passkey, int[] hay, int seq, int docs, long seed) {
    this(passkey, hay, seq, docs, seed, RepeatRows.WHOLE_VOCABULARY);
  }

  /** As above, with {@code repeat_train} scored on documents drawn as {@code rows}. */
  public CopyYardstick(Passkey passkey, int[] hay, int seq, int docs, long seed, RepeatRows rows) {
    if (docs < 1) throw new IllegalArgumentException("the yardstick needs at least one document, got " + docs);
    this.seq = seq;
    SplittableRandom rng = new SplittableRandom(seed);
    passkeyDocs = new long[docs * seq];
    mentionAt = new boolean[docs * seq];
    answerAt = new boolean[docs * seq];
    passkeyNext = new long[docs * seq];
    for (int r = 0; r < docs; r++) {
      String key = Passkey.randomKey(rng);
      int[] answer = passkey.answer(key);
      Passkey.Trial t = passkey.trial(hay, rng.nextInt(hay.length), seq + 1 - answer.length, rng.nextDouble(), key);
      int[] doc = Arrays.copyOf(t.prompt(), seq + 1);
      System.arraycopy(answer, 0, doc, t.prompt().length, answer.length);
      // the key is " 48213" (answer minus its full stop): its second occurrence in the needle is the mention
      int[] spacedKey = Arrays.copyOf(answer, answer.length - 1);
      int[] needle = passkey.needle(key);
      int second = occurrence(needle, spacedKey, 2);
      // score every token that holds a digit: the leading space is a token of its own in the KJV BPE, but a
      // tokenizer may merge it with the first digit
      int from = passkey.blank(spacedKey[0]) ? 1 : 0;
      for (int i = from; i < spacedKey.length; i++) mentionAt[r * seq + t.needleAt() + second + i - 1] = true;
      for (int i = from; i < spacedKey.length; i++) answerAt[r * seq + t.prompt().length + i - 1] = true;
      for (int i = 0; i < seq; i++) {
        passkeyDocs[r * seq + i] = doc[i];
        passkeyNext[r * seq + i] = doc[i + 1];
      }
    }
    repeat = RepeatDocs.draw(passkey, seq, docs, rng, null, Passkey.MIN_REPEAT, Passkey.MAX_REPEAT);
    // drawn after the others, so the pass-key and whole-vocabulary documents stay those of earlier runs
    repeatTrain = rows.equals(RepeatRows.WHOLE_VOCABULARY) ? repeat
        : RepeatDocs.draw(passkey, seq, docs, rng, rows.pool(passkey), rows.minSpan(), rows.maxSpan());
  }

  /** Start index of the {@code n}-th (1-based) occurrence of {@code part} in {@code whole}. */
  static int occurrence(int[] whole, int[] part, int n) {
    int seen = 0;
    for (int i = 0; i + part.length <= whole.length; i++) {
      if (Arrays.equals(whole, i, i + part.length, part, 0, part.length) && ++seen == n) return i;
    }
    throw new IllegalStateException("the needle does not hold the key " + n + " times: the tokenizer splits it differently");
  }

  /** The smallest p with doc[i] == doc[i - p] everywhere: the span of a repeated-token document. */
  static int period(int[] doc) {
    for (int p = 1; p < doc.length; p++) {
      boolean ok = true;
      for (int i = p; i < doc.length && ok; i++) ok = doc[i] == doc[i - p];
      if (ok) return p;
    }
    return doc.length;
  }

  /** Teacher-forced accuracies of {@code model} now, labelled {@code step}. */
  public Score score(LlamaModel model, long step) {
    model.train(false);
    try (PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      long[] pk = predict(model, passkeyDocs);
      double rp = accuracy(predict(model, repeat.docs()), repeat.next(), repeat.at());
      double rt = repeatTrain == repeat ? rp : accuracy(predict(model, repeatTrain.docs()), repeatTrain.next(), repeatTrain.at());
      return new Score(step, accuracy(pk, passkeyNext, mentionAt), accuracy(pk, passkeyNext, answerAt), rp, rt);
    } finally {
      model.train(true); // called from inside training
    }
  }

  private long[] predict(LlamaModel model, long[] docs) {
    int rows = docs.length / seq;
    Tensor pred = model.forward(Tensor.create(docs, rows, seq)).argmax(new LongOptional(-1), false).contiguous(); // (B, T)
    long[] p = new long[docs.length];
    new LongPointer(pred.data_ptr()).get(p);
    return p;
  }

  private static double accuracy(long[] pred, long[] next, boolean[] at) {
    int hit = 0;
    int n = 0;
    for (int i = 0; i < at.length; i++) {
      if (!at[i]) continue;
      n++;
      if (pred[i] == next[i]) hit++;
    }
    return n == 0 ? Double.NaN : hit / (double) n;
  }

  /**
   * A training probe: every {@code every} updates (and at the first), the yardstick on {@code docs}
   * documents over the validation text at the run's length, with {@code repeat_train} drawn as the
   * run's repeated-token {@code rows}; printed and added to {@code yardstick.jsonl} in the run
   * directory ({@link YardstickLog}: kept across {@code --resume}). Scores are also kept for the
   * caller in {@code sink}.
   */
  public static LmTrainOptions.Probe probe(int seq, long every, int docs, long seed, RepeatRows rows, List<Score> sink) {
    if (every < 1) throw new IllegalArgumentException("--yardstick-every must be >= 1, got " + every);
    return (model, tokens, out) -> {
      CopyYardstick y = new CopyYardstick(new Passkey(tokens.tokenizer()), tokens.validation(), seq, docs, seed, rows);
      YardstickLog log = new YardstickLog(out);
      Trainer.AfterStep hook = done -> {
        log.at(done);
        if (done % every != 0 && done != 1) return;
        Score s = y.score(model, done);
        if (sink != null) sink.add(s);
        System.err.printf(Locale.ROOT, "yardstick step %d: mention %.3f, answer %.3f, repeat %.3f, repeat_train %.3f%n",
            done, s.mention(), s.answer(), s.repeat(), s.repeatTrain());
        log.add(s);
      };
      return hook;
    };
  }

  /** {@link #probe} with the default repeated-token rows (the whole vocabulary). */
  public static LmTrainOptions.Probe probe(int seq, long every, int docs, long seed, List<Score> sink) {
    return probe(seq, every, docs, seed, RepeatRows.WHOLE_VOCABULARY, sink);
  }

  /** {@link #probe} without a sink. */
  public static LmTrainOptions.Probe probe(int seq, long every, int docs, long seed, RepeatRows rows) {
    return probe(seq, every, docs, seed, rows, new ArrayList<>());
  }
}
