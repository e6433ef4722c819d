package io.papers4j.speech.data;

import io.papers4j.speech.audio.Pitch;
import io.papers4j.speech.audio.Resample;
import io.papers4j.speech.audio.Spectrogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Training and test speech synthesised with espeak-ng (6(e) step 1 of the spec).
 *
 * <p>Two kinds of speaker ({@link Config#timbreOnly()}). By default a "speaker" is a fixed synthesis
 * configuration: accent voice × voice variant (timbre) × base pitch × pitch range × speed, and each
 * utterance varies pitch (±8 of 99), range (±15) and speed (±10%) around the speaker's values; the
 * utterance's pitch and speed then name its speaker (see docs/naturalspeech3.md, probe 4). In a
 * timbre-only corpus a speaker is one espeak-ng voice variant of one accent ({@code en-us}), and
 * every utterance draws pitch, range and speed from the same ranges whoever speaks, so prosody
 * carries no speaker information beyond what the variant itself sets. Audio is
 * resampled from espeak-ng's 22,050 Hz to 16 kHz, peak-normalised to 0.8 and cut to a whole number
 * of codec frames (hop 200 = 12.5 ms). Per frame t (samples [200t, 200t+200)): the log-mel frame
 * centred at 200t, the phone whose espeak-ng phoneme event covers sample 200t+100 (0 = silence or
 * pause), and the z-scored log F0 with the voiced flag from {@link Pitch}.
 *
 * <p>Splits: {@code train} (training speakers × training sentences), {@code testSentences}
 * (training speakers × held-out sentences) and {@code testSpeakers} (held-out speakers ×
 * held-out sentences).
 */
public final class SpeechCorpus {
  public static final int RATE = 16000, HOP = 200;

  public record Speaker(int id, String voice, int pitch, int range, int wpm) {}

  /** The espeak-ng settings an utterance was synthesised with (pitch and range 0-99, words per minute). */
  public record Prosody(int pitch, int range, int wpm) {}

  /**
   * One utterance; every per-frame array has {@link #frames()} entries. {@code prosody}: its
   * synthesis settings, or null for speech not synthesised here.
   */
  public record Utt(int speaker, String text, float[] audio, float[][] logMel, int[] phones, float[] lf0, float[] uv, Prosody prosody) {
    public Utt(int speaker, String text, float[] audio, float[][] logMel, int[] phones, float[] lf0, float[] uv) {
      this(speaker, text, audio, logMel, phones, lf0, uv, null);
    }

    public int frames() {
      return phones.length;
    }
  }

  /**
   * @param trainSpeakers speakers seen in training (24 in the quick preset)
   * @param heldOutSpeakers speakers never seen in training
   * @param uttsPerSpeaker training utterances per training speaker
   * @param testUttsPerSpeaker held-out-sentence utterances per speaker
   * @param seed everything random derives from it
   * @param timbreOnly a speaker is a voice variant only; pitch, range and speed are drawn per
   *     utterance independently of the speaker (one speaker per voice variant, so at most as many speakers as variants)
   */
  public record Config(int trainSpeakers, int heldOutSpeakers, int uttsPerSpeaker, int testUttsPerSpeaker, long seed,
      boolean timbreOnly) {
    public Config {
      if (trainSpeakers < 2 || heldOutSpeakers < 0 || uttsPerSpeaker < 1 || testUttsPerSpeaker < 1) {
        throw new IllegalArgumentException("corpus needs >= 2 training speakers and >= 1 utterance per speaker");
      }
      if (timbreOnly && trainSpeakers + heldOutSpeakers > VARIANTS.length) {
        throw new IllegalArgumentException("a timbre-only corpus has at most " + VARIANTS.length
            + " speakers (one per espeak-ng voice variant), asked for " + (trainSpeakers + heldOutSpeakers));
      }
    }

    /** Speakers that differ in voice, pitch and speed (the default corpus). */
    public Config(int trainSpeakers, int heldOutSpeakers, int uttsPerSpeaker, int testUttsPerSpeaker, long seed) {
      this(trainSpeakers, heldOutSpeakers, uttsPerSpeaker, testUttsPerSpeaker, seed, false);
    }

    public Config withTimbreOnly(boolean t) {
      return new Config(trainSpeakers, heldOutSpeakers, uttsPerSpeaker, testUttsPerSpeaker, seed, t);
    }
  }

  /** Accent of every speaker of a timbre-only corpus. */
  static final String TIMBRE_ONLY_ACCENT = "en-us";
  /** Per-utterance ranges of a timbre-only corpus: the spread the default corpus reaches over its speakers. */
  static final int PITCH_MIN = 17, PITCH_MAX = 82, RANGE_MIN = 15, RANGE_MAX = 94, WPM_MIN = 126, WPM_MAX = 219;

  static final String[] ACCENTS = {"en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-us-nyc", "en-gb-x-gbclan"};
  static final String[] VARIANTS = {"m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5",
      "klatt", "klatt2", "klatt3", "Andy", "Annie", "Denis", "Gene", "Lee", "Mario", "Michael", "Steph", "Zac",
      "grandma", "grandpa", "Alicia", "Edward", "Iven", "Jacky", "Mr_Serious", "Storm", "travis", "victor"};

  public final List<Speaker> speakers = new ArrayList<>();
  public final List<Utt> train = new ArrayList<>(), testSentences = new ArrayList<>(), testSpeakers = new ArrayList<>();
  /** Phone symbols; index = label id, 0 = silence. */
  public final List<String> phoneSet = new ArrayList<>();
  public final Config config;

  private SpeechCorpus(Config config) {
    this.config = config;
  }

  public int numTrainSpeakers() {
    return config.trainSpeakers();
  }

  public static SpeechCorpus generate(Config c) {
    SpeechCorpus corpus = new SpeechCorpus(c);
    Random r = new Random(c.seed());
    int total = c.trainSpeakers() + c.heldOutSpeakers();
    List<Integer> variantOrder = new ArrayList<>();
    for (int i = 0; i < VARIANTS.length; i++) variantOrder.add(i);
    java.util.Collections.shuffle(variantOrder, r);
    for (int s = 0; s < total; s++) {
      String variant = VARIANTS[variantOrder.get(s % VARIANTS.length)];
      String voice = (c.timbreOnly() ? TIMBRE_ONLY_ACCENT : ACCENTS[s % ACCENTS.length]) + "+" + variant;
      // a timbre-only speaker's pitch/range/speed are the centres of the per-utterance ranges (informative only)
      corpus.speakers.add(c.timbreOnly() ? new Speaker(s, voice, (PITCH_MIN + PITCH_MAX) / 2, (RANGE_MIN + RANGE_MAX) / 2, (WPM_MIN + WPM_MAX) / 2)
          : new Speaker(s, voice, 25 + r.nextInt(50), 30 + r.nextInt(50), 140 + r.nextInt(60)));
    }
    List<List<String>> pools = Sentences.pools(Math.max(40, c.uttsPerSpeaker() * 4), Math.max(20, c.testUttsPerSpeaker() * 4), c.seed() + 1);
    record Job(int speaker, String text, int split, long seed) {}
    List<Job> jobs = new ArrayList<>();
    for (int s = 0; s < total; s++) {
      boolean held = s >= c.trainSpeakers();
      if (!held) {
        for (int u = 0; u < c.uttsPerSpeaker(); u++) jobs.add(new Job(s, pools.get(0).get(r.nextInt(pools.get(0).size())), 0, r.nextLong()));
      }
      for (int u = 0; u < c.testUttsPerSpeaker(); u++) jobs.add(new Job(s, pools.get(1).get(r.nextInt(pools.get(1).size())), held ? 2 : 1, r.nextLong()));
    }
    // synthesis is serialised (espeak-ng's global state); features are computed in parallel
    List<Object[]> raw = new ArrayList<>();
    for (Job j : jobs) {
      Speaker sp = corpus.speakers.get(j.speaker());
      Random u = new Random(j.seed());
      int pitch, range, wpm;
      if (c.timbreOnly()) {
        pitch = PITCH_MIN + u.nextInt(PITCH_MAX - PITCH_MIN + 1);
        range = RANGE_MIN + u.nextInt(RANGE_MAX - RANGE_MIN + 1);
        wpm = WPM_MIN + u.nextInt(WPM_MAX - WPM_MIN + 1);
      } else {
        pitch = clamp(sp.pitch() + u.nextInt(17) - 8, 0, 99);
        range = clamp(sp.range() + u.nextInt(31) - 15, 0, 100);
        wpm = (int) Math.round(sp.wpm() * (0.9 + 0.2 * u.nextDouble()));
      }
      raw.add(new Object[] {j, Espeak.synth(j.text(), sp.voice(), wpm, pitch, range), new Prosody(pitch, range, wpm)});
    }
    TreeSet<String> symbols = new TreeSet<>();
    for (Object[] o : raw) {
      if (((Job) o[0]).split() != 0) continue;
      for (Espeak.Phone p : ((Espeak.Utterance) o[1]).phones()) if (!isPause(p.symbol())) symbols.add(p.symbol());
    }
    corpus.phoneSet.add("sil");
    corpus.phoneSet.addAll(symbols);
    Map<String, Integer> ids = new TreeMap<>();
    for (int i = 0; i < corpus.phoneSet.size(); i++) ids.put(corpus.phoneSet.get(i), i);
    Utt[] utts = new Utt[raw.size()];
    IntStream.range(0, raw.size()).parallel().forEach(i -> {
      Job j = (Job) raw.get(i)[0];
      utts[i] = features(j.speaker(), j.text(), (Espeak.Utterance) raw.get(i)[1], ids, (Prosody) raw.get(i)[2]);
    });
    for (int i = 0; i < utts.length; i++) {
      int split = ((Job) raw.get(i)[0]).split();
      (split == 0 ? corpus.train : split == 1 ? corpus.testSentences : corpus.testSpeakers).add(utts[i]);
    }
    return corpus;
  }

  static boolean isPause(String s) {
    return s.isEmpty() || s.startsWith("_");
  }

  static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** Resample, normalise, frame-align; phone ids from espeak-ng's events; mel and F0 per frame. */
  static Utt features(int speaker, String text, Espeak.Utterance e, Map<String, Integer> ids, Prosody prosody) {
    float[] a = Resample.resample(e.samples(), e.sampleRate(), RATE);
    float peak = 1e-6f;
    for (float v : a) peak = Math.max(peak, Math.abs(v));
    int frames = a.length / HOP;
    float[] audio = new float[frames * HOP];
    for (int i = 0; i < audio.length; i++) audio[i] = a[i] * 0.8f / peak;
    int[] phones = new int[frames];
    double scale = e.sampleRate() / (double) RATE;
    int k = 0;
    List<Espeak.Phone> ph = e.phones();
    for (int t = 0; t < frames; t++) {
      double centre = (t * HOP + HOP / 2.0) * scale;
      while (k < ph.size() && ph.get(k).end() <= centre) k++;
      if (k < ph.size() && ph.get(k).start() <= centre && !isPause(ph.get(k).symbol())) {
        phones[t] = ids.getOrDefault(ph.get(k).symbol(), 0);
      }
    }
    float[][] mel = java.util.Arrays.copyOf(Spectrogram.codec16k().logMel(audio), frames);
    float[][] f0 = Pitch.normalisedLogF0(java.util.Arrays.copyOf(Pitch.codec16k().track(audio), frames));
    return new Utt(speaker, text, audio, mel, phones, f0[0], f0[1], prosody);
  }

  /**
   * The same sentence with the same pitch, range and speed, spoken by {@code speaker}'s voice: the
   * parallel target of a voice conversion of {@code u} to that speaker.
   */
  public Utt parallel(Utt u, int speaker) {
    if (u.prosody() == null) throw new IllegalArgumentException("utterance has no espeak-ng settings to re-synthesise it with");
    if (speaker < 0 || speaker >= speakers.size()) throw new IllegalArgumentException("no speaker " + speaker);
    Map<String, Integer> ids = new TreeMap<>();
    for (int i = 0; i < phoneSet.size(); i++) ids.put(phoneSet.get(i), i);
    Prosody p = u.prosody();
    return features(speaker, u.text(), Espeak.synth(u.text(), speakers.get(speaker).voice(), p.wpm(), p.pitch(), p.range()), ids, p);
  }

  /** Total seconds of training speech. */
  public double trainSeconds() {
    double s = 0;
    for (Utt u : train) s += u.audio().length / (double) RATE;
    return s;
  }
}
