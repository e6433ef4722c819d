package io.papers4j.lm.posgen;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link PosGenPreset}: every task × seed, and every encoding of Table 1. Under the code's
 * protocol one model trained with RoPE is evaluated as RoPE and as YaRN, and one trained with
 * Resonance RoPE as Resonance RoPE and Resonance YaRN (two trainings per seed); under the paper's
 * protocol each encoding is trained on its own (four per seed).
 */
public final class PosGenStudy {
  private PosGenStudy() {}

  /** Accuracies of every run: task → encoding → one entry per seed. */
  public record Results(PosGenPreset preset, Map<PosGenTask, Map<PosGenEncoding, List<PosGenRun.Accuracy>>> runs,
      double seconds) {}

  public static Results run(PosGenPreset p) {
    long start = System.nanoTime();
    Map<PosGenTask, Map<PosGenEncoding, List<PosGenRun.Accuracy>>> all = new EnumMap<>(PosGenTask.class);
    for (PosGenTask task : p.tasks()) {
      PosGenData data = PosGenData.generate(task, p.spec());
      Map<PosGenEncoding, List<PosGenRun.Accuracy>> byEnc = new EnumMap<>(PosGenEncoding.class);
      for (PosGenEncoding e : PosGenEncoding.ALL) byEnc.put(e, new ArrayList<>());
      for (long seed : p.seeds()) {
        for (List<PosGenEncoding> group : groups(p.protocol())) {
          PosGenEncoding trained = group.get(0);
          String label = task.id + " " + trained.trainedAs(p.protocol()).id + " s" + seed;
          PosGenRun.Outcome o = PosGenRun.run(data, p.model(), p.train(), p.protocol(), trained, group, seed, label);
          o.accuracy().forEach((enc, acc) -> byEnc.get(enc).add(acc));
          for (PosGenEncoding enc : group) {
            PosGenRun.Accuracy a = o.accuracy().get(enc);
            System.err.printf("%s %s seed %d: ID %.4f OOD %.4f (loss %.3f, %.0f s)%n", task.id, enc.id, seed,
                a.id(), a.ood(), o.finalLoss(), o.seconds());
          }
        }
      }
      all.put(task, byEnc);
    }
    return new Results(p, all, (System.nanoTime() - start) / 1e9);
  }

  /** Which encodings share one trained model. */
  static List<List<PosGenEncoding>> groups(Protocol protocol) {
    if (protocol == Protocol.TRAIN_PLAIN_EVAL_SCALED)
      return List.of(List.of(PosGenEncoding.ROPE, PosGenEncoding.YARN),
          List.of(PosGenEncoding.RESONANCE_ROPE, PosGenEncoding.RESONANCE_YARN));
    List<List<PosGenEncoding>> g = new ArrayList<>();
    for (PosGenEncoding e : PosGenEncoding.ALL) g.add(List.of(e));
    return g;
  }
}
