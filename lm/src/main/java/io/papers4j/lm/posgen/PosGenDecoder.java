package io.papers4j.lm.posgen;

import io.papers4j.core.nn.Attention;
import io.papers4j.core.nn.Embedding;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.RMSNorm;
import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.core.train.Trainable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/**
 * The PosGen model: a decoder-only T5-small-style stack with a rotary position encoding that can
 * differ between training and evaluation (the official code trains with unscaled RoPE and swaps in
 * YaRN at evaluation; the paper trains with the scaled one).
 *
 * <pre>h = E[ids]                                              (B, T, C)
 * per block: h += drop(Attn(RMSNorm(h)));  h += drop(W_o ReLU(W_i RMSNorm(h)))
 * logits = (RMSNorm(h) · C^−½) Eᵀ                         (B, T, V)   tied embeddings</pre>
 *
 * Deviations from T5, on purpose: attention is {@code core.nn.Attention}, which scales logits by
 * 1/√d_kv (T5 does not, and compensates with a smaller q init; we init q with d_model^−½ so the
 * product is the same scale), and has no dropout on attention probabilities.
 */
public final class PosGenDecoder implements Trainable {
  private final PosGenModelConfig config;
  private final Embedding embed; // (V, C), tied with the LM head
  private final List<Block> blocks = new ArrayList<>();
  private final RMSNorm finalNorm;
  private PositionEncoding trainPe;
  private PositionEncoding evalPe;
  private boolean training = true;

  private record Block(RMSNorm ln1, Attention attn, RMSNorm ln2, Linear wi, Linear wo) {}

  public PosGenDecoder(PosGenModelConfig config, PositionEncoding trainPe, PositionEncoding evalPe, long seed) {
    this.config = config;
    this.trainPe = trainPe;
    this.evalPe = evalPe;
    int c = config.dModel();
    // T5 init: embeddings N(0, 1), projections N(0, fan_in^−½)
    this.embed = new Embedding(config.vocabSize(), c, Init.normal(seed, 1.0));
    PositionEncoding active = (q, k, pos) -> (training ? this.trainPe : this.evalPe).apply(q, k, pos);
    for (int i = 0; i < config.layers(); i++) {
      Init proj = Init.normal(seed * 1000 + 10 * i + 1, Math.pow(c, -0.5));
      Init ff = Init.normal(seed * 1000 + 10 * i + 2, Math.pow(c, -0.5));
      Init ffOut = Init.normal(seed * 1000 + 10 * i + 3, Math.pow(config.dFf(), -0.5));
      Attention.Config ac = new Attention.Config(c, config.heads(), config.heads(), config.dKv(), false, true, 0);
      blocks.add(new Block(new RMSNorm(c, config.eps(), proj), new Attention(ac, active, proj),
          new RMSNorm(c, config.eps(), ff), new Linear(c, config.dFf(), false, ff),
          new Linear(config.dFf(), c, false, ffOut)));
    }
    this.finalNorm = new RMSNorm(c, config.eps(), Init.normal(seed, 1.0));
  }

  public PosGenModelConfig config() {
    return config;
  }

  /** Replaces the evaluation-time encoding (e.g. to evaluate one trained model under YaRN and RoPE). */
  public void setEvalEncoding(PositionEncoding pe) {
    this.evalPe = pe;
  }

  @Override
  public void train(boolean on) {
    this.training = on;
  }

  /** ids (B, T) int64 → logits (B, T, V). */
  public Tensor forward(Tensor ids) {
    long t = ids.size(1);
    Tensor pos = torch.arange(new Scalar(t)).to(ScalarType.Long); // (T)
    double p = training ? config.dropout() : 0.0;
    Tensor h = embed.forward(ids); // (B, T, C)
    h = torch.dropout(h, p, training);
    for (Block b : blocks) {
      Tensor a = b.attn().forward(b.ln1().forward(h), pos); // (B, T, C)
      h = h.add(torch.dropout(a, p, training));
      Tensor f = b.wo().forward(torch.relu(b.wi().forward(b.ln2().forward(h)))); // (B, T, C)
      h = h.add(torch.dropout(f, p, training));
    }
    h = torch.dropout(finalNorm.forward(h), p, training).mul(new Scalar(Math.pow(config.dModel(), -0.5)));
    return h.matmul(embed.weight.t()); // (B, T, V)
  }

  /** Mean next-token cross-entropy over targets ≠ −100; inputs and targets (B, T). */
  @Override
  public Tensor loss(Tensor inputs, Tensor targets) {
    Tensor logits = forward(inputs); // (B, T, V)
    return torch.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1));
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params ps = new Params().add("shared", embed);
    for (int i = 0; i < blocks.size(); i++) {
      Block b = blocks.get(i);
      String pre = "decoder.block." + i + ".";
      ps.add(pre + "layer.0.layer_norm", b.ln1()).add(pre + "layer.0.SelfAttention", b.attn())
          .add(pre + "layer.1.layer_norm", b.ln2()).add(pre + "layer.1.DenseReluDense.wi", b.wi())
          .add(pre + "layer.1.DenseReluDense.wo", b.wo());
    }
    return ps.add("decoder.final_layer_norm", finalNorm).map();
  }
}
