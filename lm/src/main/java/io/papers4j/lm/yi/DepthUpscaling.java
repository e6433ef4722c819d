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

  /**
   * The range Yi-9B copies, at the same relative depth in a model of {@code layers} layers: Yi-9B
   * copies 12…27 of 32, i.e. depth fractions [12/32, 28/32) = [3/8, 7/8), the middle half shifted
   * one eighth towards the output. Returns {first, last} (inclusive): 8 → 3-6, 16 → 6-13, 32 → 12-27.
   * Boundaries are rounded to the nearest layer (halves up).
   */
  public static int[] yi9bRange(int layers) {
    if (layers < 1) throw new IllegalArgumentException("a model needs at least one layer, got " + layers);
    int first = (int) Math.round(3.0 * layers / 8);
    int end = (int) Math.round(7.0 * layers / 8); // exclusive
    if (end <= first) end = first + 1;
    if (end > layers) end = layers;
    return new int[] {Math.min(first, end - 1), end - 1};
  }

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
