package io.papers4j.lm.yi;

import io.papers4j.core.train.Batch;
import io.papers4j.core.train.TrainData;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;

/**
 * Language-model training data with stated fractions of synthetic documents: each row of a
 * training batch is, with probability {@code fraction}, a {@link Passkey#document} of T + 1 tokens
 * over a random stretch of the training text, with probability {@code reciteFraction} a {@link
 * Passkey#recitation} (a passage holding a needle, then the passage recited), with probability
 * {@code repeatFraction} a {@link Passkey#repeatedTokens} document (a random span of the vocabulary
 * repeated, the classic induction-head data), otherwise the ordinary window of the wrapped data. Yi's long-context data mixes in synthetic retrieval-style QA the same way (§7.1); a model
 * this small learns passkey retrieval only when it sees the task. Validation is left to the
 * wrapped data, so perplexity is measured on real text only.
 *
 * <p>Which rows are replaced, and by what, is a function of {@code (seed, step)}, so resuming keeps
 * the batches of an uninterrupted run.
 */
public final class PasskeyTrainData implements TrainData {
  private final TrainData text;
  private final int[] hay;
  private final Passkey passkey;
  private final double fraction;
  private final double reciteFraction;
  private final double repeatFraction;
  private final long seed;
  private final int minSpan;
  private final int maxSpan;
  private final int[] pool; // ids of the repeated-token rows; null = the whole vocabulary

  /**
   * @param text the ordinary token windows (its train batches fix B and T)
   * @param hay training token ids the passkey documents are built from
   * @param passkey the needle and question in the model's tokenizer
   * @param fraction share of rows replaced by pass-key documents, in [0, 1]
   * @param seed fixes which rows are replaced and by what
   */
  public PasskeyTrainData(TrainData text, int[] hay, Passkey passkey, double fraction, long seed) {
    this(text, hay, passkey, fraction, 0, seed);
  }

  /**
   * As above, and a further share {@code reciteFraction} of rows replaced by {@link
   * Passkey#recitation} documents (a passage with a needle, then the passage again).
   */
  public PasskeyTrainData(TrainData text, int[] hay, Passkey passkey, double fraction, double reciteFraction, long seed) {
    this(text, hay, passkey, fraction, reciteFraction, 0, seed);
  }

  /**
   * As above, and a further share {@code repeatFraction} of rows replaced by {@link
   * Passkey#repeatedTokens} documents (random tokens, repeated at a copy distance of 16-120).
   */
  public PasskeyTrainData(TrainData text, int[] hay, Passkey passkey, double fraction, double reciteFraction,
      double repeatFraction, long seed) {
    this(text, hay, passkey, fraction, reciteFraction, repeatFraction, 0, seed);
  }

  /**
   * As above, with the repeated-token rows drawn from a {@link Passkey#copyVocabulary} of {@code
   * repeatVocab} ids (the key digits' tokens included); 0 draws them from the whole vocabulary.
   */
  public PasskeyTrainData(TrainData text, int[] hay, Passkey passkey, double fraction, double reciteFraction,
      double repeatFraction, int repeatVocab, long seed) {
    this(text, hay, passkey, fraction, reciteFraction, repeatFraction, repeatVocab, Passkey.MIN_REPEAT, Passkey.MAX_REPEAT, seed);
  }

  /** As above, with the repeated tokens' copy distance drawn in [{@code minSpan}, {@code maxSpan}]. */
  public PasskeyTrainData(TrainData text, int[] hay, Passkey passkey, double fraction, double reciteFraction,
      double repeatFraction, int repeatVocab, int minSpan, int maxSpan, long seed) {
    Passkey.checkRepeatSpan(minSpan, maxSpan); // before any training starts
    if (repeatVocab < 0) throw new IllegalArgumentException("--repeat-vocab must be >= 0, got " + repeatVocab);
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("--passkey-fraction must be in [0, 1], got " + fraction);
    }
    if (!(reciteFraction >= 0 && fraction + reciteFraction <= 1)) {
      throw new IllegalArgumentException("--recite-fraction must be >= 0 and, with --passkey-fraction, at most 1; got "
          + reciteFraction + " + " + fraction);
    }
    if (!(repeatFraction >= 0 && fraction + reciteFraction + repeatFraction <= 1)) {
      throw new IllegalArgumentException("--repeat-fraction must be >= 0 and, with --passkey-fraction and --recite-fraction,"
          + " at most 1; got " + repeatFraction + " + " + fraction + " + " + reciteFraction);
    }
    this.text = text;
    this.hay = hay;
    this.passkey = passkey;
    this.fraction = fraction;
    this.reciteFraction = reciteFraction;
    this.repeatFraction = repeatFraction;
    this.seed = seed;
    this.minSpan = minSpan;
    this.maxSpan = maxSpan;
    this.pool = repeatVocab == 0 ? null : passkey.copyVocabulary(repeatVocab, seed);
  }

  @Override
  public Batch train(long step) {
    Batch b = text.train(step);
    if (fraction == 0 && reciteFraction == 0 && repeatFraction == 0) return b;
    long rows = b.inputs().size(0);
    int seq = (int) b.inputs().size(1);
    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (step + 0x5851F42D4C957F2DL));
    Tensor x = b.inputs().clone(); // (B, T)
    Tensor y = b.targets().clone(); // (B, T)
    for (long r = 0; r < rows; r++) {
      double u = rng.nextDouble();
      if (u >= fraction + reciteFraction + repeatFraction) continue;
      int[] doc = u < fraction ? passkey.document(hay, seq + 1, rng)
          : u < fraction + reciteFraction ? passkey.recitation(hay, seq + 1, rng)
          : passkey.repeatedTokens(seq + 1, rng, pool, minSpan, maxSpan);
      long[] in = new long[seq];
      long[] out = new long[seq];
      for (int t = 0; t < seq; t++) {
        in[t] = doc[t];
        out[t] = doc[t + 1];
      }
      x.select(0, r).copy_(Tensor.create(in));
      y.select(0, r).copy_(Tensor.create(out));
    }
    return new Batch(x, y, b.items());
  }

  @Override
  public Batch validation(int i) {
    return text.validation(i);
  }

  @Override
  public int validationBatches() {
    return text.validationBatches();
  }
}
