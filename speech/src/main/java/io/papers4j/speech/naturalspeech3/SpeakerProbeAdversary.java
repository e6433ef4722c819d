package io.papers4j.speech.naturalspeech3;

import io.papers4j.speech.data.SpeechCorpus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * The "probe" speaker adversary ({@link FacodecConfig#speakerAdversary} "probe"): the criterion's own
 * speaker probe, refitted inside training. Why: every adversary head trained on crops ended at chance while
 * a probe fitted afresh on whole-utterance means still named the speaker (docs/naturalspeech3.md, probes
 * 10-14) — what is left is a shift too weak per crop for a head learning online to find. So the classifier
 * here is {@link Probes#fitLogistic}, the same multinomial logistic regression on standardised
 * whole-utterance means as the criterion's probe, fit on the speaker statistics accumulated over many
 * utterances: every {@code refitEvery} steps {@link CodecTraining} encodes the next {@code perRefit}
 * training utterances whole with the current codec (no gradient; a fixed rotation through the pool),
 * their per-group means join a bank of the last {@code bankSize} utterance means with their speakers, and
 * the classifier of each code group is refitted on the bank. Between refits it is held fixed; the batch's
 * crop means pass through it, and the codes receive the confusion term (cross-entropy of its output against
 * the uniform distribution, clipped apart by {@link CodecTraining}) or, under "reversal", its reversed
 * cross-entropy. It has no parameters: nothing of it is saved with the model.
 */
final class SpeakerProbeAdversary {
  /** Steps between refits, utterances encoded per refit, utterance means kept per group (the quick pool holds 288). */
  static final int REFIT_EVERY = 25, PER_REFIT = 96, BANK_SIZE = 288;
  static final String[] GROUPS = {"z_p", "z_c", "z_d"};

  /** One refit: the step, the held classifier's accuracy on the newly encoded means before the refit, the new one's on its bank. */
  record Refit(int step, Map<String, Double> heldAccuracy, Map<String, Double> bankAccuracy) {}

  final int refitEvery, perRefit, bankSize, speakers;
  /** L2 penalty of the classifiers' fit (0: exactly the criterion's probe, which overfits its bank, docs probe 15). */
  final double l2;
  private final Map<String, Deque<float[]>> bank = new LinkedHashMap<>();
  private final Deque<Integer> bankSpeakers = new ArrayDeque<>();
  private final Map<String, Probes.Logistic> classifier = new LinkedHashMap<>();
  private final List<Refit> refits = new ArrayList<>();
  private List<SpeechCorpus.Utt> order;
  private int next;

  /**
   * @param speakers classes the classifiers name (the codec's training speakers)
   * @param l2 L2 penalty of each refit (a probe setting, not part of the model's config)
   */
  SpeakerProbeAdversary(int speakers, int refitEvery, int perRefit, int bankSize, double l2) {
    if (speakers < 2 || refitEvery < 1 || perRefit < 1 || bankSize < perRefit || !(l2 >= 0)) {
      throw new IllegalArgumentException("speaker probe adversary: >= 2 speakers, refit every >= 1 step, >= 1 utterance per refit, bank >= per refit, L2 >= 0");
    }
    this.speakers = speakers;
    this.refitEvery = refitEvery;
    this.perRefit = perRefit;
    this.bankSize = bankSize;
    this.l2 = l2;
  }

  SpeakerProbeAdversary(int speakers, int refitEvery, int perRefit, int bankSize) {
    this(speakers, refitEvery, perRefit, bankSize, 0);
  }

  SpeakerProbeAdversary(int speakers, double l2) {
    this(speakers, REFIT_EVERY, PER_REFIT, BANK_SIZE, l2);
  }

  boolean due(int step) {
    return step % refitEvery == 0;
  }

  /** The refits so far (a diagnostic). */
  List<Refit> refits() {
    return Collections.unmodifiableList(refits);
  }

  /** The classifier of a code group, or null before the first refit. */
  Probes.Logistic classifier(String group) {
    return classifier.get(group);
  }

  /**
   * Encodes the next {@code perRefit} utterances of {@code pool} whole (no gradient), adds their
   * per-group means to the bank and refits each group's classifier on the bank. The rotation through the
   * pool is shuffled once with {@code seed}, so the refits are deterministic.
   */
  void refit(Facodec m, List<SpeechCorpus.Utt> pool, int step, long seed) {
    if (order == null) {
      order = new ArrayList<>(pool);
      Collections.shuffle(order, new Random(seed));
    }
    List<SpeechCorpus.Utt> fresh = new ArrayList<>();
    for (int i = 0; i < Math.min(perRefit, order.size()); i++) fresh.add(order.get(next++ % order.size()));
    Map<String, List<float[]>> means = new LinkedHashMap<>();
    for (SpeechCorpus.Utt u : fresh) {
      Probes.Feats f = Probes.features(m, u);
      float[][][] z = {f.zp(), f.zc(), f.zd()};
      for (int k = 0; k < 3; k++) if (z[k] != null) means.computeIfAbsent(GROUPS[k], g -> new ArrayList<>()).add(Probes.mean(z[k]));
    }
    List<Integer> speakers = fresh.stream().map(SpeechCorpus.Utt::speaker).toList();
    add(means, speakers, step);
  }

  /** Adds utterance means by group with their speakers to the bank and refits (also the entry point of the tests). */
  void add(Map<String, List<float[]>> means, List<Integer> labels, int step) {
    for (int y : labels) if (y < 0 || y >= speakers) throw new IllegalArgumentException("speaker " + y + " outside 0.." + (speakers - 1));
    for (List<float[]> x : means.values()) {
      if (x.size() != labels.size()) throw new IllegalArgumentException(x.size() + " means for " + labels.size() + " speakers");
    }
    Map<String, Double> held = new LinkedHashMap<>(), fit = new LinkedHashMap<>();
    for (Map.Entry<String, List<float[]>> e : means.entrySet()) {
      Probes.Logistic c = classifier.get(e.getKey());
      if (c != null) held.put(e.getKey(), c.accuracy(e.getValue(), labels));
      Deque<float[]> q = bank.computeIfAbsent(e.getKey(), g -> new ArrayDeque<>());
      q.addAll(e.getValue());
      while (q.size() > bankSize) q.removeFirst();
    }
    bankSpeakers.addAll(labels);
    while (bankSpeakers.size() > bankSize) bankSpeakers.removeFirst();
    List<Integer> y = new ArrayList<>(bankSpeakers);
    for (Map.Entry<String, Deque<float[]>> e : bank.entrySet()) {
      List<float[]> x = new ArrayList<>(e.getValue());
      Probes.Logistic c = Probes.fitLogistic(x, y, speakers, l2);
      classifier.put(e.getKey(), c);
      fit.put(e.getKey(), c.accuracy(x, y));
    }
    refits.add(new Refit(step, held, fit));
  }

  /**
   * The held classifiers' logits (B, S) of each code group's mean over the crop's frames (the probe's
   * pooling), by group; empty before the first refit. The classifiers are constants: only the codes get gradient.
   */
  Map<String, Tensor> logits(Facodec.Encoded e) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    Tensor[] z = {e.zp(), e.zc(), e.zd()};
    for (int k = 0; k < 3; k++) {
      Probes.Logistic c = classifier.get(GROUPS[k]);
      if (z[k] == null || c == null) continue;
      out.put(GROUPS[k], c.logits(z[k].mean(new long[] {1}, false, new ScalarTypeOptional())));
    }
    return out;
  }
}
