package io.papers4j.lm.saullm;

import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.train.Batch;
import io.papers4j.core.train.TrainData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;

/**
 * Instruction-tuning batches for the ordinary training loop: each row packs whole examples
 * ({@link InstructTemplate}: {@code [INST] instruction [/INST] answer\n}) drawn at random until the
 * next one would not fit in T + 1 tokens; targets are −100 on prompts and padding, so the loss is on
 * answers only. Row {@code r} of step {@code s} depends on {@code (seed, s, r)} alone, so resuming
 * is exact. Validation batches pack the validation examples in order. Examples longer than T + 1
 * tokens are dropped (counted in {@link #dropped()}).
 */
public final class InstructData implements TrainData {
  private final List<InstructTemplate.Encoded> train;
  private final List<InstructTemplate.Encoded> validation;
  private final List<long[][]> validationRows = new ArrayList<>(); // each {x, y}
  private final int batch;
  private final int seq;
  private final long seed;
  private final int dropped;

  public InstructData(BpeTokenizer tok, List<LegalTasks.Example> train, List<LegalTasks.Example> validation,
      int batch, int seq, long seed) {
    if (batch < 1 || seq < 2) throw new IllegalArgumentException("batch must be >= 1 and seq >= 2");
    int[] drop = {0};
    this.train = encode(tok, train, seq, drop);
    this.validation = encode(tok, validation, seq, drop);
    this.dropped = drop[0];
    if (this.train.isEmpty()) {
      throw new IllegalArgumentException("no instruction example fits in " + (seq + 1) + " tokens (of " + train.size() + ")");
    }
    this.batch = batch;
    this.seq = seq;
    this.seed = seed;
    // validation rows: pack in order
    int i = 0;
    while (i < this.validation.size()) {
      List<InstructTemplate.Encoded> row = new ArrayList<>();
      int len = 0;
      while (i < this.validation.size() && len + this.validation.get(i).ids().length <= seq + 1) {
        len += this.validation.get(i).ids().length;
        row.add(this.validation.get(i++));
      }
      validationRows.add(pack(row));
    }
  }

  private static List<InstructTemplate.Encoded> encode(BpeTokenizer tok, List<LegalTasks.Example> xs, int seq, int[] drop) {
    List<InstructTemplate.Encoded> out = new ArrayList<>();
    for (LegalTasks.Example e : xs) {
      InstructTemplate.Encoded enc = InstructTemplate.encode(tok, e.instruction(), e.answer());
      if (enc.ids().length <= seq + 1) out.add(enc);
      else drop[0]++;
    }
    return out;
  }

  /** Examples left out because they do not fit one row. */
  public int dropped() {
    return dropped;
  }

  /** Training examples that fit. */
  public int trainExamples() {
    return train.size();
  }

  /** Inputs and targets (each T long) of examples packed one after another; the rest is padding. */
  long[][] pack(List<InstructTemplate.Encoded> row) {
    long[] x = new long[seq];
    long[] y = new long[seq];
    java.util.Arrays.fill(y, InstructTemplate.IGNORE);
    int[] ids = new int[seq + 1];
    boolean[] answer = new boolean[seq + 1];
    int n = 0;
    for (InstructTemplate.Encoded e : row) {
      System.arraycopy(e.ids(), 0, ids, n, e.ids().length);
      System.arraycopy(e.answer(), 0, answer, n, e.ids().length);
      n += e.ids().length;
    }
    for (int t = 0; t < n - 1; t++) {
      x[t] = ids[t];
      if (answer[t + 1]) y[t] = ids[t + 1];
    }
    return new long[][] {x, y};
  }

  /** The examples of training row {@code r} of step {@code step}. */
  List<InstructTemplate.Encoded> row(long step, int r) {
    SplittableRandom g = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step * 1_000_003L + r);
    List<InstructTemplate.Encoded> row = new ArrayList<>();
    int len = 0;
    while (true) {
      InstructTemplate.Encoded e = train.get(g.nextInt(train.size()));
      if (len + e.ids().length > seq + 1) break;
      row.add(e);
      len += e.ids().length;
    }
    return row;
  }

  @Override
  public Batch train(long step) {
    long[] x = new long[batch * seq];
    long[] y = new long[batch * seq];
    long items = 0;
    for (int r = 0; r < batch; r++) {
      long[][] xy = pack(row(step, r));
      System.arraycopy(xy[0], 0, x, r * seq, seq);
      System.arraycopy(xy[1], 0, y, r * seq, seq);
      for (long v : xy[1]) if (v != InstructTemplate.IGNORE) items++;
    }
    return new Batch(Tensor.create(x, batch, seq), Tensor.create(y, batch, seq), items); // (B, T); items = answer tokens
  }

  @Override
  public Batch validation(int i) {
    int first = i * batch;
    if (i < 0 || first >= validationRows.size()) {
      throw new IndexOutOfBoundsException("validation batch " + i + " of " + validationBatches());
    }
    int rows = Math.min(batch, validationRows.size() - first);
    long[] x = new long[rows * seq];
    long[] y = new long[rows * seq];
    long items = 0;
    for (int r = 0; r < rows; r++) {
      long[][] xy = validationRows.get(first + r);
      System.arraycopy(xy[0], 0, x, r * seq, seq);
      System.arraycopy(xy[1], 0, y, r * seq, seq);
      for (long v : xy[1]) if (v != InstructTemplate.IGNORE) items++;
    }
    return new Batch(Tensor.create(x, rows, seq), Tensor.create(y, rows, seq), items); // (B, T)
  }

  @Override
  public int validationBatches() {
    return (validationRows.size() + batch - 1) / batch;
  }
}
