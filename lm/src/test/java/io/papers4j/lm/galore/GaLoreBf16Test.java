package io.papers4j.lm.galore;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.nn.Init;
import io.papers4j.core.optim.Optimizer;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GaLore under {@code --precision bf16}: the forward runs in bfloat16 autocast, while the
 * projections (P, recomputed by SVD every T steps), the Adam moments and the 8-bit states keep
 * exactly the dtypes of a float32 run, and every floating-point one is float32.
 */
class GaLoreBf16Test {
  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @Test
  void bf16_forward_leaves_projections_moments_and_8bit_states_in_float32() {
    for (String method : new String[] {"galore", "galore8bit"}) {
      Map<String, ScalarType> f32 = new LinkedHashMap<>();
      Map<String, ScalarType> bf16 = new LinkedHashMap<>();
      double[] lf = train(method, Precision.F32, f32);
      double[] lb = train(method, Precision.BF16, bf16);
      assertThat(bf16).as(method).isEqualTo(f32).isNotEmpty();
      assertThat(bf16.keySet()).as(method + " has projection state").anyMatch(k -> k.startsWith("projector."));
      for (Map.Entry<String, ScalarType> e : bf16.entrySet()) {
        boolean integer = e.getValue() == ScalarType.Char || e.getValue() == ScalarType.Byte
            || e.getValue() == ScalarType.Long || e.getValue() == ScalarType.Int;
        if (!integer && !e.getKey().startsWith("step.")) assertThat(e.getValue()).as(method + " " + e.getKey()).isEqualTo(ScalarType.Float);
      }
      System.out.printf("%s bf16 vs f32 losses: %.5f/%.5f ... %.5f/%.5f%n", method, lb[0], lf[0], lb[3], lf[3]);
      for (int i = 0; i < lf.length; i++) {
        // the same training to bfloat16 rounding: within 2%, and not identical (bf16 really ran)
        assertThat(Math.abs(lb[i] - lf[i]) / lf[i]).as(method + " step " + i).isLessThan(0.02);
      }
      assertThat(lb[0]).isNotEqualTo(lf[0]);
    }
  }

  /** Four steps (the projection is recomputed at step 0 and 2); state dtypes into {@code dtypes}. */
  private static double[] train(String method, Precision p, Map<String, ScalarType> dtypes) {
    torch.manual_seed(3);
    LlamaConfig c = LlamaConfig.llama(64, 32, 64, 2, 4, 4, 32, 1e-5, 10000.0, false);
    LlamaModel model = new LlamaModel(c, Init.normal(3, 0.02), null);
    Optimizer opt = Optimizers.factory(method, 4, 2, 0.25, 16, false, 1e-2, 0.0, 3).create(model);
    Tensor ids = torch.randint(64, new long[] {2, 17});
    double[] losses = new double[4];
    for (int step = 0; step < losses.length; step++) {
      try (PointerScope s = new PointerScope()) {
        opt.zeroGrad();
        Tensor loss;
        try (Precision.Region cast = p.autocast()) {
          loss = model.loss(ids.narrow(1, 0, 16), ids.narrow(1, 1, 16));
        }
        p.backward(loss);
        opt.step();
        losses[step] = loss.item_double();
      }
    }
    opt.stateTensors().forEach((k, v) -> dtypes.put(k, v.scalar_type().intern()));
    model.namedParameters().forEach((k, v) -> assertThat(v.scalar_type().intern()).isEqualTo(ScalarType.Float));
    return losses;
  }
}
