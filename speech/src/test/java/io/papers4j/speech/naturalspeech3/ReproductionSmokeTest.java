package io.papers4j.speech.naturalspeech3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.papers4j.core.report.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole reproduction at smoke size: every stage runs and writes its report, figures and audio. */
class ReproductionSmokeTest {
  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void smokePresetRunsEndToEnd() throws Exception {
    assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1")), "libespeak-ng not installed");
    Result r = new NaturalSpeech3Reproduction().run("smoke", dir);
    assertThat(r.system()).isEqualTo("naturalspeech3");
    Map<String, Object> m = r.metrics();
    assertThat(m).containsEntry("cpu", io.papers4j.core.report.Machine.cpu()); // the kernels the numbers were measured with
    assertThat(m).containsKeys("speaker_acc_from_prosody_alone", "probes", "vc_code_dim_8", "vc_code_dim_64", "detail_ablation", "generation", "asterisk_reconstruction");
    assertThat((Map<String, Object>) m.get("claims")).hasSize(4);
    // what each model's generation adds above its own codec's reconstruction is the difference of two reported PERs
    Map<String, Object> gen = (Map<String, Object>) m.get("generation");
    Map<String, Object> vsCodec = (Map<String, Object>) m.get("generation_against_codecs");
    assertThat(num(vsCodec, "factorised_per_above_its_codec"))
        .isCloseTo(num(gen, "factorised_per") - num(vsCodec, "per_facodec_reconstruction"), within(2e-4));
    assertThat(num(vsCodec, "non_factorised_per_above_its_codec"))
        .isCloseTo(num(gen, "non_factorised_per") - num(vsCodec, "per_rvq_reconstruction"), within(2e-4));
    assertThat(num(vsCodec, "per_ground_truth")).isGreaterThanOrEqualTo(0.0);
    for (String f : new String[] {"result.json", "README.md", "vc_mels.png", "tts_mels.png", "codec_loss.png", "audio/vc_converted_dim8.wav",
        "audio/tts_factorised.wav", "audio/tts_non_factorised.wav"}) {
      assertThat(dir.resolve(f)).exists();
    }
    assertThat(io.papers4j.speech.audio.Wav.read(dir.resolve("audio/tts_factorised.wav")).sampleRate()).isEqualTo(16000);
  }

  private static double num(Map<String, Object> m, String key) {
    return ((Number) m.get(key)).doubleValue();
  }
}
