package io.papers4j.speech.naturalspeech3;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Everything the speech CLI needs, as checkpoint directories ({@code config.json} +
 * {@code model.safetensors} + {@code papers4j.json}) under one folder: {@code codec/} (FACodec; its
 * config holds the phone set), {@code tts/} (the factorised diffusion modules, optional) and
 * {@code phone_recognizer/} (labels a prompt's frames for TTS, optional).
 */
public final class SpeechBundle {
  private static final ObjectMapper JSON = new ObjectMapper();

  public final Facodec codec;
  public final List<String> phoneSet;
  public final FactorisedTts tts; // null when absent
  public final MelClassifier recognizer; // null when absent

  public Facodec codec() {
    return codec;
  }

  public List<String> phoneSet() {
    return phoneSet;
  }

  public FactorisedTts tts() {
    return tts;
  }

  public MelClassifier recognizer() {
    return recognizer;
  }

  public SpeechBundle(Facodec codec, List<String> phoneSet, FactorisedTts tts, MelClassifier recognizer) {
    this.codec = codec;
    this.phoneSet = phoneSet;
    this.tts = tts;
    this.recognizer = recognizer;
  }

  /** The default model folder: {@code $PAPERS4J_HOME/naturalspeech3/model} (written by {@code reproduce} and {@code speech train}). */
  public static Path defaultDir() {
    return io.papers4j.core.data.Papers4jHome.dir().resolve("naturalspeech3").resolve("model");
  }

  public void save(Path dir, long seed, String data) {
    Map<String, Object> cfg = new LinkedHashMap<>(codec.config.toMap());
    cfg.put("model_type", "facodec");
    cfg.put("phone_set", phoneSet);
    write(dir.resolve("codec"), cfg, codec, seed, data);
    if (tts != null) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("model_type", "naturalspeech3_factorised_diffusion");
      t.put("phones", tts.phones);
      t.put("codebook_size", tts.codebookSize);
      t.put("dim", tts.duration.spec.dim());
      t.put("layers", tts.duration.spec.layers());
      write(dir.resolve("tts"), t, ttsParams(tts), seed, data);
    }
    if (recognizer != null) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("model_type", "mel_phone_recognizer");
      r.put("phones", phoneSet.size());
      write(dir.resolve("phone_recognizer"), r, recognizer, seed, data);
    }
  }

  static Parameterized ttsParams(FactorisedTts t) {
    return () -> new Params().add("duration", t.duration).add("prosody", t.prosody).add("content", t.content)
        .add("detail", t.detail).add("baseline", t.baseline).map();
  }

  private static void write(Path dir, Map<String, Object> config, Parameterized p, long seed, String data) {
    try {
      Checkpoint.save(dir, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config), p.namedParameters(),
          Checkpoint.runInfo(config, seed, data, 0));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + dir + ": " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> config(Path dir) {
    try {
      return JSON.readValue(Checkpoint.readConfigJson(dir), LinkedHashMap.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(dir.resolve("config.json") + ": not valid JSON: " + e.getMessage());
    }
  }

  static void load(Parameterized into, Path dir) {
    Map<String, Tensor> t = Checkpoint.loadAll(dir);
    Params.load(into, t, dir.resolve("model.safetensors").toString());
  }

  /** Loads a bundle; {@code tts/} and {@code phone_recognizer/} are optional. */
  @SuppressWarnings("unchecked")
  public static SpeechBundle load(Path dir) {
    if (!Files.isDirectory(dir.resolve("codec"))) {
      throw new IllegalArgumentException(
          dir + " holds no speech model (no codec/ folder); train one with `papers4j speech train` or `papers4j reproduce naturalspeech3`");
    }
    Map<String, Object> cfg = config(dir.resolve("codec"));
    if (!"facodec".equals(cfg.get("model_type"))) throw new IllegalArgumentException(dir.resolve("codec/config.json") + ": not a FACodec config");
    FacodecConfig fc = FacodecConfig.fromMap(cfg);
    Facodec codec = new Facodec(fc, 0);
    load(codec, dir.resolve("codec"));
    List<String> phones = (List<String>) cfg.get("phone_set");
    if (phones == null) throw new IllegalArgumentException(dir.resolve("codec/config.json") + ": missing phone_set");
    FactorisedTts tts = null;
    if (Files.isDirectory(dir.resolve("tts"))) {
      Map<String, Object> t = config(dir.resolve("tts"));
      tts = new FactorisedTts(((Number) t.get("phones")).intValue(), ((Number) t.get("codebook_size")).intValue(),
          ((Number) t.get("dim")).intValue(), ((Number) t.get("layers")).intValue(), 0);
      load(ttsParams(tts), dir.resolve("tts"));
    }
    MelClassifier rec = null;
    if (Files.isDirectory(dir.resolve("phone_recognizer"))) {
      rec = new MelClassifier(false, 80, 96, phones.size(), 0);
      load(rec, dir.resolve("phone_recognizer"));
    }
    return new SpeechBundle(codec, phones, tts, rec);
  }
}
