package io.papers4j.lm.galore;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.optim.Optimizer;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.PeakRss;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One benchmark measurement in its own JVM, so that its peak RSS (VmHWM) belongs to one method
 * only. Prints one line: {@code method per_layer plain_ms svd_ms state_bytes peak_rss_bytes}.
 *
 * <p>Args: preset, optimizer, perLayer (true/false), steps, batch, seqLen, rank, gap. Steps at
 * multiples of {@code gap} refresh GaLore's SVD; the others are plain steps.
 */
public final class GaLoreBenchWorker {
  private GaLoreBenchWorker() {}

  public static void main(String[] args) {
    Engine.init();
    String preset = args[0];
    String name = args[1];
    boolean perLayer = Boolean.parseBoolean(args[2]);
    int steps = Integer.parseInt(args[3]);
    int batch = Integer.parseInt(args[4]);
    int seqLen = Integer.parseInt(args[5]);
    int rank = Integer.parseInt(args[6]);
    int gap = Integer.parseInt(args[7]);
    LlamaConfig config = LlamaConfig.preset(preset);
    LlamaModel model = new LlamaModel(config, 1);
    double lr = name.startsWith("galore") ? 0.01 : 1e-3;
    Optimizers.Options o = Optimizers.Options.defaults(lr, rank).withUpdateGap(gap).withPerLayer(perLayer);
    Optimizers.prepareModel(name, model, o);
    Map<String, Tensor> params = model.namedParameters();
    Optimizer opt = Optimizers.create(name, params, o);
    torch.manual_seed(1);
    double plainMs = 0, svdMs = 0;
    int plainN = 0, svdN = 0;
    for (int step = 0; step < steps; step++) {
      long t0 = System.nanoTime();
      try (PointerScope scope = new PointerScope()) {
        // random ids: speed and memory do not depend on the text
        Tensor ids = torch.randint(config.vocabSize(), new long[] {batch, seqLen + 1});
        opt.zeroGrad();
        Tensor loss = model.loss(ids.narrow(1, 0, seqLen).contiguous(), ids.narrow(1, 1, seqLen).contiguous());
        NativeExit.backward(loss);
        opt.step();
        loss.item_float();
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      if (step < 2) continue; // warm-up (allocations, first SVD)
      if (step % gap == 0) {
        svdMs += ms;
        svdN++;
      } else {
        plainMs += ms;
        plainN++;
      }
    }
    System.out.printf(Locale.ROOT, "RESULT %s %s %.2f %.2f %d %d%n", name, perLayer,
        plainN > 0 ? plainMs / plainN : Double.NaN, svdN > 0 ? svdMs / svdN : Double.NaN,
        opt.stateBytes(), PeakRss.bytes());
  }
}
