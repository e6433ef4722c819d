package io.papers4j.speech.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.speech.audio.Wav;
import io.papers4j.speech.data.AsteriskPrompts;
import io.papers4j.speech.data.SpeechCorpus;
import io.papers4j.speech.naturalspeech3.CodecTraining;
import io.papers4j.speech.naturalspeech3.FacodecConfig;
import io.papers4j.speech.naturalspeech3.Ns3Pipeline;
import io.papers4j.speech.naturalspeech3.Ns3Preset;
import io.papers4j.speech.naturalspeech3.SpeechApi;
import io.papers4j.speech.naturalspeech3.SpeechBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code papers4j speech ...}: NaturalSpeech 3's FACodec and factorised diffusion TTS. */
@Command(
    name = "speech",
    mixinStandardHelpOptions = true,
    description = "NaturalSpeech 3 (arXiv 2403.03100): FACodec (factorised codec), voice conversion and zero-shot TTS."
        + " Every output is a 16 kHz WAV (model log-mels turned into audio by Griffin-Lim).",
    subcommands = {SpeechCommand.Train.class, SpeechCommand.Codec.class, SpeechCommand.Convert.class, SpeechCommand.Tts.class,
        SpeechCommand.Eval.class})
public final class SpeechCommand extends ParentCommand implements CliCommand {
  static final ObjectMapper JSON = new ObjectMapper();

  static Path modelDir(Path given) {
    return given != null ? given : SpeechBundle.defaultDir();
  }

  static void writeWav(Path out, float[][] mel) {
    Wav.write(out, SpeechApi.vocode(mel));
    System.out.printf(Locale.ROOT, "wrote %s (%.2f s)%n", out, mel.length / 80.0);
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Synthesise the espeak-ng corpus and train everything (FACodec, baselines, proxies, factorised diffusion); save the model folder.")
  static final class Train implements Callable<Integer> {
    @Option(names = "--out", description = "Model folder (default $PAPERS4J_HOME/naturalspeech3/model).")
    Path out;

    @Option(names = "--preset", defaultValue = "quick", description = "quick or full (default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init();
      Ns3Pipeline.Trained t = Ns3Pipeline.train(Ns3Preset.named(preset), seed, precision.get());
      Path dir = modelDir(out);
      new SpeechBundle(t.facodec(), t.corpus().phoneSet, t.tts(), t.phoneRecognizer()).save(dir, seed, "espeak-ng corpus, preset " + preset);
      System.out.println("saved " + dir);
      return 0;
    }
  }

  @Command(name = "codec", mixinStandardHelpOptions = true, description = "Train FACodec, or encode/decode with it.",
      subcommands = {CodecTrain.class, Encode.class, Decode.class})
  static final class Codec extends ParentCommand {}

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Train a FACodec (only) on a fresh espeak-ng corpus.")
  static final class CodecTrain implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Model folder to write (codec/ inside).")
    Path out;

    @Option(names = "--speakers", defaultValue = "24", description = "espeak-ng speakers (default ${DEFAULT-VALUE}).")
    int speakers;

    @Option(names = "--utterances", defaultValue = "12", description = "Utterances per speaker (default ${DEFAULT-VALUE}).")
    int utterances;

    @Option(names = "--steps", defaultValue = "300", description = "Optimizer steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "4", description = "Crops of 1.4 s per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--code-dim", defaultValue = "8", description = "FVQ projection dim, the bottleneck (default ${DEFAULT-VALUE}).")
    int codeDim;

    @Option(names = "--grl", defaultValue = "0.1", description = "Gradient-reversal coefficient λ (default ${DEFAULT-VALUE}).")
    double grl;

    @Option(names = "--grl-warmup", defaultValue = "0", description = "Fraction of the steps over which λ rises from 0 (default ${DEFAULT-VALUE}).")
    double grlWarmup;

    @Option(names = "--timbre-from", defaultValue = "same", description = "Timbre vector of each training crop from the 'same' crop or 'other' utterances of its speaker (default ${DEFAULT-VALUE}).")
    String timbreFrom;

    @Option(names = "--corpus", defaultValue = "config", description = "What makes an espeak-ng speaker: 'config' (voice variant × accent × pitch × speed) or 'timbre' (voice variant only; pitch and speed drawn per utterance) (default ${DEFAULT-VALUE}).")
    String corpus;

    @Option(names = "--quantiser-input", defaultValue = FacodecConfig.DEFAULT_QUANTISER_INPUT,
        description = "What the prosody/content/detail quantisers read: 'h' (the encoder output) or 'instance-norm' (h normalised per utterance over time) (default ${DEFAULT-VALUE}).")
    String quantiserInput;

    @Option(names = "--speaker-adversary", defaultValue = "sum",
        description = "Speaker gradient-reversal adversary: 'sum' (one on the mean of z_p + z_c + z_d, as released), 'branches' (one per code group on its mean), 'frames' (one per code group on every frame) 'voicing' (two per code group, on its mean over voiced and over unvoiced frames) 'phones' (one per code group on its mean over each phone's frames, with weights per phone) 'phones+mean' (those and one per code group on its phone-centred utterance mean) or 'probe' (the speaker probe of the criterion, a logistic regression on whole-utterance code means, refitted every 25 steps on the current codec and read on each crop's means) (default ${DEFAULT-VALUE}).")
    String speakerAdversary;

    @Option(names = "--speaker-grl-scale", defaultValue = "1",
        description = "The speaker adversary's reversal coefficient in units of --grl (default ${DEFAULT-VALUE}).")
    double speakerGrlScale;

    @Option(names = "--speaker-objective", defaultValue = FacodecConfig.DEFAULT_SPEAKER_OBJECTIVE,
        description = "How the speaker adversaries act on the codes: 'reversal' (reversed cross-entropy, the paper) or 'confusion' (heads on standardised, detached codes; the codes pushed to the heads' uniform output with a gradient clipped apart, weight --grl × --speaker-grl-scale) (default ${DEFAULT-VALUE}).")
    String speakerObjective;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      if (!FacodecConfig.SPEAKER_ADVERSARIES.contains(speakerAdversary)) {
        throw new IllegalArgumentException("--speaker-adversary must be one of " + String.join(", ", FacodecConfig.SPEAKER_ADVERSARIES)
            + ", got '" + speakerAdversary + "'");
      }
      if (!(speakerGrlScale >= 0) || Double.isInfinite(speakerGrlScale)) {
        throw new IllegalArgumentException("--speaker-grl-scale must be a finite number >= 0, got " + speakerGrlScale);
      }
      if (!FacodecConfig.SPEAKER_OBJECTIVES.contains(speakerObjective)) {
        throw new IllegalArgumentException("--speaker-objective must be one of " + String.join(", ", FacodecConfig.SPEAKER_OBJECTIVES)
            + ", got '" + speakerObjective + "'");
      }
      if (!FacodecConfig.QUANTISER_INPUTS.contains(quantiserInput)) {
        throw new IllegalArgumentException("--quantiser-input must be one of " + String.join(", ", FacodecConfig.QUANTISER_INPUTS)
            + ", got '" + quantiserInput + "'");
      }
      if (!corpus.equals("config") && !corpus.equals("timbre")) {
        throw new IllegalArgumentException("--corpus must be 'config' or 'timbre', got '" + corpus + "'");
      }
      if (!timbreFrom.equals("other") && !timbreFrom.equals("same")) {
        throw new IllegalArgumentException("--timbre-from must be 'other' or 'same', got '" + timbreFrom + "'");
      }
      CodecTraining.Recipe recipe = new CodecTraining.Recipe(steps, batch, 112, 2e-3, grl, grlWarmup, timbreFrom.equals("other"));
      Engine.init();
      SpeechCorpus c = SpeechCorpus.generate(new SpeechCorpus.Config(speakers, 0, utterances, 1, seed, corpus.equals("timbre")));
      FacodecConfig cfg = FacodecConfig.small(c.phoneSet.size(), speakers).withCodeDim(codeDim).withQuantiserInput(quantiserInput)
          .withSpeakerAdversary(speakerAdversary, speakerGrlScale).withSpeakerObjective(speakerObjective);
      CodecTraining.Run r = CodecTraining.train(cfg, c.train, recipe, seed, "facodec",
          precision.get());
      new SpeechBundle(r.model(), c.phoneSet, null, null).save(out, seed, "espeak-ng corpus");
      System.out.printf(Locale.ROOT, "saved %s (%.0f s; final mel L1 %.3f)%n", out, r.seconds(), r.finalLosses().get("mel_l1"));
      return 0;
    }
  }

  @Command(name = "encode", mixinStandardHelpOptions = true, description = "WAV → codes JSON (6 codes per 12.5 ms frame + timbre vector).")
  static final class Encode implements Callable<Integer> {
    @Option(names = "--model", description = "Model folder (default $PAPERS4J_HOME/naturalspeech3/model).")
    Path model;

    @Option(names = "--in", required = true, description = "Input WAV (PCM 8/16-bit, any rate; resampled to 16 kHz).")
    Path in;

    @Option(names = "--out", required = true, description = "Codes JSON to write.")
    Path out;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() throws Exception {
      Engine.init();
      SpeechBundle b = SpeechBundle.load(modelDir(model));
      float[] audio = SpeechApi.load(in);
      SpeechApi.Codes c;
      try (Precision.Region cast = precision.autocast()) {
        c = SpeechApi.encode(b.codec(), audio); // codes are indices; the timbre is read back as float32
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sample_rate", SpeechCorpus.RATE);
      m.put("hop", SpeechCorpus.HOP);
      m.put("codebooks", List.of("prosody", "content", "content", "detail", "detail", "detail"));
      m.put("codes", c.codes());
      m.put("timbre", c.timbre());
      AtomicFiles.writeString(out, JSON.writeValueAsString(m));
      System.out.printf("wrote %s (%d frames)%n", out, c.codes().length);
      return 0;
    }
  }

  @Command(name = "decode", mixinStandardHelpOptions = true, description = "Codes JSON → WAV (optionally with another recording's timbre).")
  static final class Decode implements Callable<Integer> {
    @Option(names = "--model", description = "Model folder (default $PAPERS4J_HOME/naturalspeech3/model).")
    Path model;

    @Option(names = "--codes", required = true, description = "Codes JSON from `speech codec encode`.")
    Path codes;

    @Option(names = "--voice", description = "Take the timbre from this WAV instead of the JSON.")
    Path voice;

    @Option(names = "--no-detail", description = "Drop the acoustic-detail codes.")
    boolean noDetail;

    @Option(names = "--out", required = true, description = "WAV to write.")
    Path out;

    @Mixin PrecisionOption precision;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
      Engine.init();
      SpeechBundle b = SpeechBundle.load(modelDir(model));
      if (!Files.exists(codes)) throw new IllegalArgumentException(codes + ": no such file");
      Map<String, Object> m;
      try {
        m = JSON.readValue(codes.toFile(), Map.class);
      } catch (Exception e) {
        throw new IllegalArgumentException(codes + ": not a codes JSON: " + e.getMessage());
      }
      Object cl = m.get("codes");
      if (!(cl instanceof List<?> rows) || rows.isEmpty()) throw new IllegalArgumentException(codes + ": no \"codes\" list");
      int[][] c = new int[rows.size()][];
      for (int i = 0; i < c.length; i++) {
        if (!(rows.get(i) instanceof List<?> r)) throw new IllegalArgumentException(codes + ": frame " + i + " is not a list");
        c[i] = r.stream().mapToInt(x -> ((Number) x).intValue()).toArray();
      }
      float[] timbre;
      if (voice != null) {
        timbre = SpeechApi.encode(b.codec(), SpeechApi.load(voice)).timbre();
      } else {
        List<Number> t = (List<Number>) m.get("timbre");
        timbre = null;
        if (t != null) {
          timbre = new float[t.size()];
          for (int i = 0; i < timbre.length; i++) timbre[i] = t.get(i).floatValue();
        }
      }
      float[][] mel;
      try (Precision.Region cast = precision.autocast()) {
        mel = SpeechApi.decode(b.codec(), new SpeechApi.Codes(c, timbre), !noDetail);
      }
      writeWav(out, mel);
      return 0;
    }
  }

  @Command(name = "convert", mixinStandardHelpOptions = true,
      description = "Voice conversion: the prosody, content and detail codes of --source spoken with the timbre of --voice.")
  static final class Convert implements Callable<Integer> {
    @Option(names = "--model", description = "Model folder (default $PAPERS4J_HOME/naturalspeech3/model).")
    Path model;

    @Option(names = "--source", required = true, description = "What is said (WAV).")
    Path source;

    @Option(names = "--voice", required = true, description = "Whose voice (WAV).")
    Path voice;

    @Option(names = "--no-detail", description = "Drop the source's acoustic-detail codes.")
    boolean noDetail;

    @Option(names = "--out", required = true, description = "WAV to write.")
    Path out;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init();
      SpeechBundle b = SpeechBundle.load(modelDir(model));
      float[] src = SpeechApi.load(source), vc = SpeechApi.load(voice);
      float[][] mel;
      try (Precision.Region cast = precision.autocast()) {
        mel = SpeechApi.convert(b.codec(), src, vc, !noDetail);
      }
      writeWav(out, mel);
      return 0;
    }
  }

  @Command(name = "tts", mixinStandardHelpOptions = true,
      description = "Zero-shot TTS with the factorised diffusion model: say --text in the voice and style of --prompt.")
  static final class Tts implements Callable<Integer> {
    @Option(names = "--model", description = "Model folder (default $PAPERS4J_HOME/naturalspeech3/model).")
    Path model;

    @Option(names = "--text", required = true, description = "English text.")
    String text;

    @Option(names = "--prompt", required = true, description = "Speech prompt (WAV): timbre, prosody and detail style.")
    Path prompt;

    @Option(names = "--steps", defaultValue = "8", description = "Mask-predict steps per attribute (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--cfg", defaultValue = "1.0", description = "Classifier-free guidance scale, 0 = off (default ${DEFAULT-VALUE}).")
    double cfg;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "WAV to write.")
    Path out;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init();
      if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1");
      SpeechBundle b = SpeechBundle.load(modelDir(model));
      float[] p = SpeechApi.load(prompt);
      float[][] mel;
      try (Precision.Region cast = precision.autocast()) {
        mel = SpeechApi.tts(b, text, p, steps, cfg, seed);
      }
      writeWav(out, mel);
      return 0;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "Reconstruction quality (log-mel L1) on real recordings: the Asterisk prompts, or the WAVs given.")
  static final class Eval implements Callable<Integer> {
    @Option(names = "--model", description = "Model folder (default $PAPERS4J_HOME/naturalspeech3/model).")
    Path model;

    @Option(names = "--asterisk", defaultValue = "32", description = "Asterisk prompts to use when no WAVs are given (default ${DEFAULT-VALUE}).")
    int asterisk;

    @CommandLine.Parameters(arity = "0..*", description = "WAV files to reconstruct.")
    List<Path> wavs;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init();
      SpeechBundle b = SpeechBundle.load(modelDir(model));
      Precision p = precision.get(); // the codec in --precision, the target log-mel and the L1 in float32
      Map<String, double[]> sums = new LinkedHashMap<>();
      int n = 0;
      if (wavs != null && !wavs.isEmpty()) {
        for (Path w : wavs) {
          add(sums, SpeechApi.reconstructionL1(b.codec(), SpeechApi.load(w), p));
          n++;
        }
      } else {
        for (AsteriskPrompts.Prompt a : AsteriskPrompts.load(asterisk, 1.0, 5.0)) {
          add(sums, SpeechApi.reconstructionL1(b.codec(), a.audio16k(), p));
          n++;
        }
      }
      System.out.printf("%d recordings (%s)%n", n, p.id());
      for (Map.Entry<String, double[]> e : sums.entrySet()) System.out.printf(Locale.ROOT, "%-24s %.4f%n", e.getKey(), e.getValue()[0] / n);
      return 0;
    }

    static void add(Map<String, double[]> sums, Map<String, Double> m) {
      m.forEach((k, v) -> sums.computeIfAbsent(k, x -> new double[1])[0] += v);
    }
  }
}
