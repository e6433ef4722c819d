package io.papers4j.lm.yi;

import io.papers4j.lm.llama.LayerSurgery;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Yi's depth up-scaling (arXiv 2403.04652 §7.3): duplicate a contiguous range of decoder layers
 * and insert the copies right after the original range. Yi-9B came from Yi-6B's 32 layers by
 * copying layers 12…27, giving the stack 0…27, 12…27 (copies), 28…31 = 48 layers.
 */
public final class DepthUpscaling {
  private DepthUpscaling() {}

  /** Source-layer order of the up-scaled stack for copying layers {@code first..last} (inclusive). */
  public static List<Integer> plan(int layers, int first, int last) {
    if (first < 0 || last < first || last >= layers) {
      throw new IllegalArgumentException(
          "duplicate range " + first + "-" + last + " is outside the model's layers 0-" + (layers - 1));
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i <= last; i++) order.add(i);
    for (int i = first; i <= last; i++) order.add(i);
    for (int i = last + 1; i < layers; i++) order.add(i);
    return order;
  }

  public static LlamaModel upscale(LlamaModel model, int first, int last) {
    return LayerSurgery.select(model, plan(model.layers.size(), first, last));
  }
}
