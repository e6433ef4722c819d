package io.papers4j.lm.posgen;

import io.papers4j.core.data.Papers4jHome;
import io.papers4j.core.report.Result;
import io.papers4j.core.report.TimedReproduction;
import java.nio.file.Path;

/**
 * {@code papers4j reproduce resonance-rope [--quick|--full]}: RoPE, Resonance RoPE, YaRN and
 * Resonance YaRN on PosGen; quick = semi-recursive × 2 seeds, full = all three tasks × 3 seeds.
 * The protocol defaults to the official code's (train plain, evaluate scaled); {@code
 * -Dpapers4j.resonance.protocol=paper} trains with the scaled encoding instead.
 *
 * <p>After PosGen it runs {@link LmLengthStudy} (the paper's Fig. 4 at toy scale: perplexity against
 * evaluation length for a RoPE-pretrained language model fine-tuned with RoPE, YaRN and Resonance YaRN; model directories under
 * {@code $PAPERS4J_HOME/runs/resonance-rope-lm-<preset>}); {@code -Dpapers4j.resonance.lm=false}
 * skips it.
 */
public final class ResonanceRopeReproduction extends TimedReproduction {
  public ResonanceRopeReproduction() {
    super("resonance-rope", ResonanceRopeReport.PAPER,
        "Resonance RoPE + YaRN on PosGen: OOD accuracy by encoding (arXiv 2403.00071)", ResonanceRopeReport.CLAIM);
  }

  @Override
  protected Result reproduce(String preset, Path outDir, Context run) throws Exception {
    Protocol protocol = Protocol.parse(System.getProperty("papers4j.resonance.protocol", "code"));
    PosGenPreset p = PosGenPreset.named(preset, protocol);
    PosGenStudy.Results r = PosGenStudy.run(p);
    LmLengthStudy.Results lm = null;
    if (Boolean.parseBoolean(System.getProperty("papers4j.resonance.lm", "true")))
      lm = LmLengthStudy.run(LmLengthStudy.Config.named(preset), Papers4jHome.resolve("runs", "resonance-rope-lm-" + preset));
    return ResonanceRopeReport.report(r, lm, outDir, run.seconds());
  }
}
