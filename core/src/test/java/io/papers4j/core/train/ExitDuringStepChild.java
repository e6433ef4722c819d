package io.papers4j.core.train;

import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.WeightDecay;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Path;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The child process of {@code ExitDuringStepTest}: trains the tiny model with a step loss whose
 * backward pass takes a few hundred milliseconds (a chain of 768 × 768 matmuls), printing
 * "backward N" just before step N's backward pass and "step N" after the step, until it is killed.
 */
public final class ExitDuringStepChild {
  private ExitDuringStepChild() {}

  public static void main(String[] args) {
    Engine.init(1);
    Path out = Path.of(args[0]);
    TinyModel m = new TinyModel(5);
    Tensor w = torch.randn(768, 768).mul_(new Scalar(0.03)).set_requires_grad(true);
    w.retainReference();
    TrainConfig c = new TrainConfig(1_000_000, 4, 1e-3, 0, 1.0, 0, 0, 0, 0, 1, 5, out);
    AdamW opt = new AdamW(m.namedParameters(), AdamConfig.llama(c.lr()), WeightDecay.EXCLUDE_NORMS_BIASES_EMBEDDINGS);
    new Trainer(c, m, opt, TinyModel.data(3, c.batch(), 8)).progress(ProgressBar.Mode.OFF)
        .stepLoss((step, b) -> {
          Tensor h = torch.randn(512, 768);
          for (int i = 0; i < 12; i++) h = torch.tanh(torch.matmul(h, w));
          Tensor loss = m.loss(b.inputs(), b.targets()).add(h.mean().mul(new Scalar(0.0)));
          System.out.println("backward " + (step + 1)); // the long backward pass starts right after this line
          System.out.flush();
          return loss;
        })
        .afterStep(done -> {
          System.out.println("step " + done);
          System.out.flush();
        })
        .run(false);
  }
}
