package io.papers4j.core.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A tiny next-token model for testing the loop: logits = dropout(tanh(E[x])) · W + b over a
 * vocabulary of 16, trained on sequences where the next token is (3·x + 1) mod 16 with 10% noise.
 * Dropout makes the run depend on libtorch's RNG, so the resume test also checks the RNG state.
 */
class TinyModel implements Trainable {
  static final int V = 16;
  static final int H = 32;
  private final Tensor embed;
  private final Tensor proj;
  private final Tensor bias;
  private boolean training = true;

  TinyModel(long seed) {
    torch.manual_seed(seed);
    embed = torch.randn(V, H).mul_(new Scalar(0.5)).set_requires_grad(true);
    proj = torch.randn(H, V).mul_(new Scalar(0.2)).set_requires_grad(true);
    bias = torch.zeros(V).set_requires_grad(true);
    embed.retainReference();
    proj.retainReference();
    bias.retainReference();
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("model.embed_tokens.weight", embed);
    m.put("lm_head.weight", proj);
    m.put("lm_head.bias", bias);
    return m;
  }

  @Override
  public Tensor loss(Tensor inputs, Tensor targets) {
    Tensor h = torch.dropout(torch.embedding(embed, inputs).tanh(), 0.1, training); // (B, T, H)
    Tensor logits = torch.matmul(h, proj).add(bias); // (B, T, V)
    return torch.cross_entropy_loss(logits.reshape(-1, V), targets.reshape(-1));
  }

  @Override
  public void train(boolean on) {
    training = on;
  }

  /** Batches drawn from a generator seeded by (seed, step): a pure function of the step. */
  static TrainData data(long seed, int batch, int seq) {
    return new TrainData() {
      @Override
      public Batch train(long step) {
        return make(new SplittableRandom(seed * 1_000_003L + step));
      }

      @Override
      public Batch validation(int i) {
        return make(new SplittableRandom(-1 - i));
      }

      @Override
      public int validationBatches() {
        return 4;
      }

      private Batch make(SplittableRandom r) {
        long[] x = new long[batch * seq];
        long[] y = new long[batch * seq];
        for (int i = 0; i < x.length; i++) {
          x[i] = r.nextInt(V);
          y[i] = r.nextDouble() < 0.1 ? r.nextInt(V) : (3 * x[i] + 1) % V;
        }
        return new Batch(Tensor.create(x, batch, seq), Tensor.create(y, batch, seq), (long) batch * seq);
      }
    };
  }
}
