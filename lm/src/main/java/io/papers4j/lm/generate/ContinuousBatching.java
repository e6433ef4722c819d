package io.papers4j.lm.generate;

import io.papers4j.core.tensor.Precision;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Continuous batching: one scheduler thread decodes every in-flight sequence in one batched
 * forward pass per token ({@link RowCache}), sequences joining and leaving between steps.
 *
 * <p>Each iteration of the loop: (1) drop cancelled sequences; (2) admit the next queued sequence
 * into a free row when no prompt is being pre-filled; (3) one decode step for all decoding rows
 * (ids (D, 1)); (4) one pre-fill chunk of at most {@code prefillChunk} prompt tokens of the
 * admitted sequence (ids (1, T)), so a long prompt costs the others one chunk per step instead of
 * its whole length. Rows 0 … D−1 hold the decoding sequences and row D the one being pre-filled;
 * a finished sequence's row is refilled by moving the last one down.
 *
 * <p>Results go to each sequence's event queue ({@link Event}), which the caller drains on its own
 * thread; {@link Sequence#cancel()} (a client that went away, a stop string found) frees the row
 * at the next step. {@link #submit} refuses work beyond {@code queueLimit} waiting sequences.
 */
public final class ContinuousBatching implements AutoCloseable {

  /**
   * @param maxBatch rows decoded together (1 = one sequence at a time)
   * @param maxSeq positions per sequence, prompt + generated (the KV cache is maxBatch × maxSeq)
   * @param queueLimit sequences that may wait for a row before {@link #submit} refuses more
   * @param prefillChunk prompt tokens pre-filled per scheduler step
   */
  public record Options(int maxBatch, int maxSeq, int queueLimit, int prefillChunk) {
    public Options {
      if (maxBatch < 1) throw new IllegalArgumentException("--max-batch must be >= 1, got " + maxBatch);
      if (maxSeq < 2) throw new IllegalArgumentException("--max-seq must be >= 2, got " + maxSeq);
      if (queueLimit < 1) throw new IllegalArgumentException("--queue must be >= 1, got " + queueLimit);
      if (prefillChunk < 1) throw new IllegalArgumentException("--prefill-chunk must be >= 1, got " + prefillChunk);
    }
  }

  /**
   * One token with its natural-log probability under softmax(logits) (temperature 1, untruncated)
   * and, when asked for, the most likely alternatives (ids and log-probs, most likely first).
   */
  public record TokenLogprob(long id, double logprob, long[] topIds, double[] topLogprobs) {}

  /** What a sequence reports, in order: prompt log-probs (if asked), tokens, then one end. */
  public sealed interface Event permits PromptScored, Token, Done, Failed {
    /** The sequence's index (e.g. its choice). */
    int index();
  }

  /** Log-probs of prompt tokens 1 … P−1 (token 0 has no prediction). */
  public record PromptScored(int index, List<TokenLogprob> tokens) implements Event {}

  /** A generated token (stop ids included). */
  public record Token(int index, TokenLogprob token) implements Event {}

  /** The end: {@code "stop"} (a stop id was drawn), {@code "length"} (max tokens) or {@code "cancelled"}. */
  public record Done(int index, String finish) implements Event {}

  /** Decoding failed (the message says why). */
  public record Failed(int index, String message) implements Event {}

  /** Thrown by {@link #submit} when the queue is full. */
  public static final class QueueFull extends RuntimeException {
    QueueFull(String m) {
      super(m);
    }
  }

  /** One prompt to continue; create with {@link #sequence}, hand to {@link #submit}. */
  public static final class Sequence {
    final int index;
    final long[] prompt;
    final int maxTokens;
    final Sampling sampling;
    final SplittableRandom rng;
    final Collection<Long> stopIds;
    final int topLogprobs;
    final boolean promptLogprobs;
    final BlockingQueue<Event> events;
    volatile boolean cancelled;
    int row = -1;
    int prefilled;
    int generated;
    long last;

    Sequence(int index, long[] prompt, int maxTokens, Sampling sampling, Collection<Long> stopIds, int topLogprobs,
        boolean promptLogprobs, BlockingQueue<Event> events) {
      this.index = index;
      this.prompt = prompt;
      this.maxTokens = maxTokens;
      this.sampling = sampling;
      this.rng = new SplittableRandom(sampling.seed());
      this.stopIds = stopIds == null ? Set.of() : stopIds;
      this.topLogprobs = topLogprobs;
      this.promptLogprobs = promptLogprobs;
      this.events = events;
    }

    /** Stops decoding this sequence at the next step; a {@link Done} "cancelled" follows. */
    public void cancel() {
      cancelled = true;
    }

    public boolean cancelled() {
      return cancelled;
    }
  }

  private final LlamaModel model;
  private final Options options;
  private final Precision precision;
  private final RowCache cache;
  private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
  private final List<Sequence> decoding = new ArrayList<>();
  private Sequence prefilling;
  private final Thread thread;
  private volatile boolean closed;
  private volatile int inFlight; // decoding + pre-filling, read by monitors
  private volatile long steps;
  private volatile long decodeSteps, decodeRows, decodeNanos, prefillChunks, prefillTokens, prefillNanos;

  public ContinuousBatching(LlamaModel model, Options options) {
    this(model, options, Precision.F32);
  }

  /** A scheduler whose model calls run in {@code precision} (bf16: CPU autocast in its thread). */
  public ContinuousBatching(LlamaModel model, Options options, Precision precision) {
    this.model = model;
    this.options = options;
    this.precision = precision;
    this.cache = new RowCache(model, options.maxBatch(), options.maxSeq());
    this.thread = new Thread(this::loop, "papers4j-batching");
    thread.setDaemon(true);
    thread.start();
  }

  public Options options() {
    return options;
  }

  /**
   * A sequence to submit: {@code index} tags its events (e.g. the choice index), {@code
   * topLogprobs} &lt; 0 reports no log-probs, 0 reports the chosen token's only; {@code
   * promptLogprobs} also scores the prompt (at the same top-k).
   */
  public static Sequence sequence(int index, long[] prompt, int maxTokens, Sampling sampling, Collection<Long> stopIds,
      int topLogprobs, boolean promptLogprobs, BlockingQueue<Event> events) {
    if (prompt.length == 0) throw new IllegalArgumentException("the prompt must hold at least one token");
    if (maxTokens < 0) throw new IllegalArgumentException("max_tokens must be >= 0");
    return new Sequence(index, prompt, maxTokens, sampling, stopIds, topLogprobs, promptLogprobs, events);
  }

  /** A fresh event queue for one request's sequences. */
  public static BlockingQueue<Event> events() {
    return new LinkedBlockingQueue<>();
  }

  /** Queues all of {@code seqs} or none; {@link QueueFull} when the queue cannot take them all. */
  public void submit(List<Sequence> seqs) {
    for (Sequence s : seqs) {
      if (s.prompt.length + s.maxTokens > options.maxSeq()) {
        throw new IllegalArgumentException("prompt (" + s.prompt.length + " tokens) plus max_tokens (" + s.maxTokens
            + ") exceeds the server's context of " + options.maxSeq() + " tokens");
      }
      for (long id : s.prompt) {
        if (id < 0 || id >= model.config().vocabSize()) {
          throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + model.config().vocabSize() + ")");
        }
      }
    }
    synchronized (waiting) {
      if (closed) throw new IllegalStateException("the server is shutting down");
      if (waiting.size() + seqs.size() > options.queueLimit()) {
        throw new QueueFull("the server is busy: " + waiting.size() + " sequences are queued (limit "
            + options.queueLimit() + "); retry later");
      }
      waiting.addAll(seqs);
      waiting.notifyAll();
    }
  }

  /** Sequences being decoded or pre-filled now. */
  public int inFlight() {
    return inFlight;
  }

  /** Sequences waiting for a row. */
  public int queued() {
    synchronized (waiting) {
      return waiting.size();
    }
  }

  /** Scheduler iterations run so far. */
  public long steps() {
    return steps;
  }

  /**
   * Counters since start: decode steps, rows decoded in them, their forward + sampling time (ns),
   * pre-fill chunks, their tokens and time (ns).
   */
  public long[] counters() {
    return new long[] {decodeSteps, decodeRows, decodeNanos, prefillChunks, prefillTokens, prefillNanos};
  }

  @Override
  public void close() {
    closed = true;
    synchronized (waiting) {
      waiting.notifyAll();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    // autocast is thread-local: the region is opened in the scheduler's own thread
    try (NoGradGuard g = new NoGradGuard(); Precision.Region cast = precision.autocast()) {
      while (!closed) {
        try (PointerScope scope = new PointerScope()) { // every native temporary of this iteration
          dropCancelled();
          if (!admit()) continue;
          long t0 = System.nanoTime();
          if (!decoding.isEmpty()) {
            decodeRows += decoding.size();
            decodeStep();
            decodeSteps++;
          }
          long t1 = System.nanoTime();
          decodeNanos += t1 - t0;
          if (prefilling != null) {
            prefillTokens += Math.min(options.prefillChunk(), prefilling.prompt.length - prefilling.prefilled);
            prefillChunk();
            prefillChunks++;
            prefillNanos += System.nanoTime() - t1;
          }
          steps++;
        } catch (RuntimeException e) {
          failAll(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
          inFlight = decoding.size() + (prefilling == null ? 0 : 1);
        }
      }
      failAll("the server is shutting down");
      synchronized (waiting) {
        for (Sequence s : waiting) s.events.add(new Failed(s.index, "the server is shutting down"));
        waiting.clear();
      }
    }
  }

  /** Takes the next waiting sequence into row D if no prompt is pre-filling; false when idle (after a short wait). */
  private boolean admit() {
    if (prefilling == null && decoding.size() < options.maxBatch()) {
      synchronized (waiting) {
        Sequence s;
        while ((s = waiting.poll()) != null && s.cancelled) s.events.add(new Done(s.index, "cancelled"));
        if (s == null && decoding.isEmpty()) {
          try {
            waiting.wait(50);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
          }
          return false;
        }
        if (s != null) {
          s.row = decoding.size();
          cache.reset(s.row);
          prefilling = s;
          // counted before its first token can reach the client (the loop's own update comes after the step)
          inFlight = decoding.size() + 1;
        }
      }
    }
    return !decoding.isEmpty() || prefilling != null;
  }

  private void decodeStep() {
    int n = decoding.size();
    long[] last = new long[n];
    for (int i = 0; i < n; i++) last[i] = decoding.get(i).last;
    Tensor h = cache.forward(Tensor.create(last).view(n, 1), 0); // (D, 1, C)
    float[][] logits = rows(model.logits(h.select(1, 0))); // (D, V)
    List<Integer> finished = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (emit(decoding.get(i), logits[i])) finished.add(i);
    }
    for (int k = finished.size() - 1; k >= 0; k--) removeRow(finished.get(k));
  }

  private void prefillChunk() {
    Sequence s = prefilling;
    int t = Math.min(options.prefillChunk(), s.prompt.length - s.prefilled);
    long[] ids = Arrays.copyOfRange(s.prompt, s.prefilled, s.prefilled + t);
    Tensor h = cache.forward(Tensor.create(ids).view(1, t), s.row).select(0, 0); // (T, C)
    boolean lastChunk = s.prefilled + t == s.prompt.length;
    if (s.promptLogprobs) {
      // row j predicts prompt token prefilled + j + 1
      int scored = lastChunk ? t - 1 : t;
      if (scored > 0) {
        float[][] lg = rows(model.logits(h.narrow(0, 0, scored))); // (scored, V)
        List<TokenLogprob> out = new ArrayList<>(scored);
        for (int j = 0; j < scored; j++) out.add(score(lg[j], s.prompt[s.prefilled + j + 1], Math.max(0, s.topLogprobs)));
        s.events.add(new PromptScored(s.index, out));
      }
    }
    s.prefilled += t;
    if (!lastChunk) return;
    prefilling = null;
    if (s.maxTokens == 0) {
      s.events.add(new Done(s.index, "length"));
      return;
    }
    float[] lg = rows(model.logits(h.narrow(0, t - 1, 1)))[0]; // (V)
    if (emit(s, lg)) {
      s.row = -1;
      return;
    }
    decoding.add(s); // s.row == decoding.size() before the add
  }

  /** Samples the next token of {@code s}, reports it; true when the sequence is finished. */
  private boolean emit(Sequence s, float[] logits) {
    long next = s.sampling.sample(logits, s.rng);
    TokenLogprob tl = s.topLogprobs < 0 ? new TokenLogprob(next, Double.NaN, null, null) : score(logits, next, s.topLogprobs);
    s.events.add(new Token(s.index, tl));
    s.last = next;
    s.generated++;
    if (s.stopIds.contains(next)) {
      s.events.add(new Done(s.index, "stop"));
      return true;
    }
    if (s.generated >= s.maxTokens) {
      s.events.add(new Done(s.index, "length"));
      return true;
    }
    return false;
  }

  private void dropCancelled() {
    for (int i = decoding.size() - 1; i >= 0; i--) {
      Sequence s = decoding.get(i);
      if (s.cancelled) {
        s.events.add(new Done(s.index, "cancelled"));
        removeRow(i);
      }
    }
    if (prefilling != null && prefilling.cancelled) {
      prefilling.events.add(new Done(prefilling.index, "cancelled"));
      prefilling = null;
    }
  }

  /** Frees decoding row i: the last decoding row moves into it, the pre-filling row follows down. */
  private void removeRow(int i) {
    int last = decoding.size() - 1;
    decoding.get(i).row = -1;
    if (i != last) {
      Sequence moved = decoding.get(last);
      cache.move(last, i);
      moved.row = i;
      decoding.set(i, moved);
    }
    decoding.remove(last);
    if (prefilling != null && prefilling.row != decoding.size()) {
      cache.move(prefilling.row, decoding.size());
      prefilling.row = decoding.size();
    }
  }

  private void failAll(String message) {
    for (Sequence s : decoding) s.events.add(new Failed(s.index, message));
    decoding.clear();
    if (prefilling != null) prefilling.events.add(new Failed(prefilling.index, message));
    prefilling = null;
  }

  /** ln softmax(logits)[id] and the top-k alternatives, in double. */
  static TokenLogprob score(float[] logits, long id, int topK) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) max = Math.max(max, l);
    double z = 0;
    for (float l : logits) z += Math.exp(l - max);
    double logZ = max + Math.log(z);
    int k = Math.min(topK, logits.length);
    long[] ids = new long[k];
    double[] lps = new double[k];
    boolean[] taken = new boolean[logits.length];
    for (int j = 0; j < k; j++) { // k is small (≤ 20): k linear scans
      int best = -1;
      for (int i = 0; i < logits.length; i++) if (!taken[i] && (best < 0 || logits[i] > logits[best])) best = i;
      taken[best] = true;
      ids[j] = best;
      lps[j] = logits[best] - logZ;
    }
    return new TokenLogprob(id, logits[(int) id] - logZ, ids, lps);
  }

  /** (N, V) logits → N float arrays. */
  static float[][] rows(Tensor logits) {
    Tensor f = logits.to(ScalarType.Float).contiguous(); // (N, V)
    int n = (int) f.size(0);
    int v = (int) f.size(1);
    float[] all = new float[n * v];
    new FloatPointer(f.data_ptr()).get(all);
    float[][] out = new float[n][];
    for (int r = 0; r < n; r++) out[r] = Arrays.copyOfRange(all, r * v, (r + 1) * v);
    return out;
  }
}
