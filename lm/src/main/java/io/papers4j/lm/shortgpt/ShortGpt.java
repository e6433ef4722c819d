package io.papers4j.lm.shortgpt;

import io.papers4j.core.nn.BlockInfluence;
import io.papers4j.lm.llama.LayerSurgery;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * ShortGPT (arXiv 2403.03853) on a LLaMA-family model: score every decoder layer by Block Influence
 * on calibration text, then delete the least influential layers in one shot (no healing).
 */
public final class ShortGpt {
  private ShortGpt() {}

  /**
   * Block Influence (and relative magnitude) of every layer over calibration batches of token ids
   * (B, T).
   *
   * @param officialLastLayer compare the last layer's input with the output <em>after</em> the
   *     final RMSNorm, as the official code does through Hugging Face's {@code hidden_states} (it
   *     inflates the last layer's BI); false compares raw residual streams throughout
   */
  public static BlockInfluence score(LlamaModel model, Iterable<Tensor> batches, boolean officialLastLayer) {
    BlockInfluence bi = new BlockInfluence(model.layers.size());
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor ids : batches) {
        try (PointerScope scope = new PointerScope()) {
          List<Tensor> hs = new ArrayList<>(model.residualStream(ids));
          if (officialLastLayer) {
            int last = hs.size() - 1;
            hs.set(last, model.norm.forward(hs.get(last)));
          }
          bi.add(hs, null);
        }
      }
    }
    return bi;
  }

  /** A copy of {@code model} without the layers in {@code remove}, renumbered from 0. */
  public static LlamaModel remove(LlamaModel model, List<Integer> remove) {
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < model.layers.size(); i++) {
      if (!remove.contains(i)) keep.add(i);
    }
    return LayerSurgery.select(model, keep);
  }
}
