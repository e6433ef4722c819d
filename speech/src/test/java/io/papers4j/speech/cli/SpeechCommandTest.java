package io.papers4j.speech.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.papers4j.core.tensor.Precision;
import io.papers4j.speech.audio.Wav;
import io.papers4j.speech.data.SpeechCorpus;
import io.papers4j.speech.naturalspeech3.Ns3Pipeline;
import io.papers4j.speech.naturalspeech3.Ns3Preset;
import io.papers4j.speech.naturalspeech3.SpeechBundle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every speech verb on a smoke-size model saved and loaded as a bundle; every output is a playable WAV. */
class SpeechCommandTest {
  @TempDir Path dir;

  int run(String... args) {
    StringWriter err = new StringWriter();
    int rc = cli(err).execute(args);
    if (rc != 0) System.err.println(err);
    return rc;
  }

  /** Asserts a non-zero exit and returns the one-line message (the CLI's error handler prints no stack trace either). */
  String fails(String... args) {
    StringWriter err = new StringWriter();
    assertThat(cli(err).execute(args)).as(String.join(" ", args)).isNotZero();
    return err.toString();
  }

  private static CommandLine cli(StringWriter err) {
    CommandLine cl = new CommandLine(new SpeechCommand());
    cl.setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler((e, c, p) -> {
      c.getErr().println("error: " + e.getMessage());
      return 1;
    });
    return cl;
  }

  @Test
  void convertTtsEncodeDecodeEvalFromTheCommandLine() throws Exception {
    assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1")), "libespeak-ng not installed");
    Ns3Pipeline.Trained t = Ns3Pipeline.train(Ns3Preset.named("smoke"), 0, Precision.F32);
    Path model = dir.resolve("model");
    new SpeechBundle(t.facodec(), t.corpus().phoneSet, t.tts(), t.phoneRecognizer()).save(model, 0, "smoke");
    SpeechCorpus.Utt u1 = t.corpus().testSentences.get(0), u2 = t.corpus().testSpeakers.get(0);
    Path a = dir.resolve("a.wav"), b = dir.resolve("b.wav");
    Wav.write(a, new Wav.Audio(16000, u1.audio()));
    Wav.write(b, Wav.toPcm16(new Wav.Audio(16000, u2.audio())));
    String m = model.toString();
    assertThat(run("convert", "--model", m, "--source", a.toString(), "--voice", b.toString(), "--out", dir.resolve("c.wav").toString())).isZero();
    assertThat(run("tts", "--model", m, "--text", "the dog opens the window", "--prompt", b.toString(), "--steps", "2",
        "--out", dir.resolve("t.wav").toString())).isZero();
    assertThat(run("codec", "encode", "--model", m, "--in", a.toString(), "--out", dir.resolve("a.json").toString())).isZero();
    assertThat(run("codec", "decode", "--model", m, "--codes", dir.resolve("a.json").toString(), "--voice", b.toString(),
        "--out", dir.resolve("d.wav").toString())).isZero();
    assertThat(run("eval", "--model", m, a.toString(), b.toString())).isZero();
    for (String f : new String[] {"c.wav", "t.wav", "d.wav"}) {
      Wav.Pcm p = Wav.read(dir.resolve(f));
      assertThat(p.sampleRate()).isEqualTo(16000);
      assertThat(p.frames()).isGreaterThan(1600);
    }
    // --precision bf16 (CPU autocast): the same files; the conversion's loudness is compared on fixed codes (codec
    // decode), because bf16 rounding flips ~7% of this 3-step codec's code choices in encoding and the flipped
    // conversion's loudness left the 0.8-1.25 band in a full-suite run (0.0724 vs 0.0532)
    assertThat(run("convert", "--model", m, "--source", a.toString(), "--voice", b.toString(), "--out", dir.resolve("c16.wav").toString(),
        "--precision", "bf16")).isZero();
    assertThat(run("tts", "--model", m, "--text", "the dog opens the window", "--prompt", b.toString(), "--steps", "2",
        "--out", dir.resolve("t16.wav").toString(), "--precision", "bf16")).isZero();
    assertThat(Wav.read(dir.resolve("c16.wav")).frames()).isEqualTo(Wav.read(dir.resolve("c.wav")).frames());
    assertThat(run("codec", "decode", "--model", m, "--codes", dir.resolve("a.json").toString(), "--voice", b.toString(),
        "--out", dir.resolve("d16v.wav").toString(), "--precision", "bf16")).isZero();
    float[] d32 = Wav.read(dir.resolve("d.wav")).mono(), d16 = Wav.read(dir.resolve("d16v.wav")).mono();
    assertThat(d16.length).isEqualTo(d32.length);
    assertThat(rms(d16)).as("bf16 decoded-conversion loudness vs f32's %s", rms(d32)).isBetween(0.8 * rms(d32), 1.25 * rms(d32));
    assertThat(Wav.read(dir.resolve("t16.wav")).frames()).isGreaterThan(1600);
    // codec encode and eval in bf16: as many frames of codes as in float32 and a finite timbre; a finite
    // reconstruction L1 (the target log-mel and the L1 stay float32)
    Path j16 = dir.resolve("a16.json");
    assertThat(run("codec", "encode", "--model", m, "--in", a.toString(), "--out", j16.toString(), "--precision", "bf16")).isZero();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode e32 = json.readTree(dir.resolve("a.json").toFile()), e16 = json.readTree(j16.toFile());
    assertThat(e16.get("codes").size()).isEqualTo(e32.get("codes").size()).isPositive();
    e16.get("timbre").forEach(v -> assertThat(v.asDouble()).isFinite());
    assertThat(run("codec", "decode", "--model", m, "--codes", j16.toString(), "--out", dir.resolve("d16.wav").toString())).isZero();
    assertThat(Wav.read(dir.resolve("d16.wav")).frames()).isEqualTo(u1.audio().length);
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
    int rc;
    try {
      rc = run("eval", "--model", m, a.toString(), b.toString(), "--precision", "bf16");
    } finally {
      System.setOut(stdout);
    }
    String eval16 = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(rc).as(eval16).isZero();
    assertThat(eval16).contains("2 recordings (bf16)");
    java.util.regex.Matcher l1 = java.util.regex.Pattern.compile("(?m)^mel_l1\\s+(\\S+)$").matcher(eval16);
    assertThat(l1.find()).as(eval16).isTrue();
    assertThat(Double.parseDouble(l1.group(1))).as(eval16).isFinite().isPositive();
    // a decoded file has as many frames as the source (hop 200)
    assertThat(Wav.read(dir.resolve("d.wav")).frames()).isEqualTo(u1.audio().length);
    // bad input: a missing file is one message naming it, not a crash
    assertThat(fails("convert", "--model", m, "--source", dir.resolve("missing.wav").toString(), "--voice", b.toString(),
        "--out", dir.resolve("x.wav").toString())).contains("missing.wav");
    assertThat(dir.resolve("x.wav")).doesNotExist();
    // an unknown corpus kind, and more timbre-only speakers than voice variants, are refused before any synthesis
    assertThat(fails("codec", "train", "--out", dir.resolve("c1").toString(), "--corpus", "voices")).contains("voices");
    assertThat(fails("codec", "train", "--out", dir.resolve("c2").toString(), "--corpus", "timbre", "--speakers", "99")).contains("99");
    // so is an unknown speaker objective
    assertThat(fails("codec", "train", "--out", dir.resolve("c3").toString(), "--speaker-objective", "uniform")).contains("uniform");
    assertThat(dir.resolve("c1")).doesNotExist();
    assertThat(dir.resolve("c2")).doesNotExist();
    assertThat(dir.resolve("c3")).doesNotExist();
  }

  private static double rms(float[] x) {
    double s = 0;
    for (float v : x) s += (double) v * v;
    return Math.sqrt(s / Math.max(1, x.length));
  }
}
