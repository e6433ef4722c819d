package io.papers4j.speech.naturalspeech3;

import static org.assertj.core.api.Assertions.assertThat;
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
    assertThat(m).containsKeys("speaker_acc_from_prosody_alone", "probes", "vc_code_dim_8", "vc_code_dim_64", "detail_ablation", "generation", "asterisk_reconstruction");
    assertThat((Map<String, Object>) m.get("claims")).hasSize(4);
    for (String f : new String[] {"result.json", "README.md", "vc_mels.png", "tts_mels.png", "codec_loss.png", "audio/vc_converted_dim8.wav",
        "audio/tts_factorised.wav", "audio/tts_non_factorised.wav"}) {
      assertThat(dir.resolve(f)).exists();
    }
    assertThat(io.papers4j.speech.audio.Wav.read(dir.resolve("audio/tts_factorised.wav")).sampleRate()).isEqualTo(16000);
  }
}
