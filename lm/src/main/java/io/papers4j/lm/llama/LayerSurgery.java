package io.papers4j.lm.llama;

import io.papers4j.core.nn.Init;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.Tensor;

/**
 * Builds a new {@link LlamaModel} from a list of an existing model's decoder layers: a subset
 * removes layers (ShortGPT), repeated indices duplicate them (Yi's depth up-scaling). Layer k of the
 * result is a copy of layer {@code source.get(k)}; embeddings, the final norm and the head are
 * copied unchanged, and {@code num_hidden_layers} in the config follows the list.
 */
public final class LayerSurgery {
  private static final Pattern LAYER = Pattern.compile("^model\\.layers\\.(\\d+)\\.(.+)$");

  private LayerSurgery() {}

  public static LlamaModel select(LlamaModel model, List<Integer> source) {
    int n = model.config().numHiddenLayers();
    if (source.isEmpty()) throw new IllegalArgumentException("a model needs at least one layer");
    for (int i : source) {
      if (i < 0 || i >= n) {
        throw new IllegalArgumentException("layer " + i + " does not exist (the model has layers 0.." + (n - 1) + ")");
      }
    }
    Map<String, Tensor> old = model.namedParameters();
    Map<String, Tensor> renamed = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : old.entrySet()) {
      if (!LAYER.matcher(e.getKey()).matches()) renamed.put(e.getKey(), e.getValue().detach().clone());
    }
    for (int k = 0; k < source.size(); k++) {
      String from = "model.layers." + source.get(k) + ".";
      for (Map.Entry<String, Tensor> e : old.entrySet()) {
        Matcher m = LAYER.matcher(e.getKey());
        if (m.matches() && e.getKey().startsWith(from)) {
          renamed.put("model.layers." + k + "." + m.group(2), e.getValue().detach().clone());
        }
      }
    }
    LlamaConfig config = model.config().withNumHiddenLayers(source.size());
    LlamaModel out = new LlamaModel(config, Init.normal(0, config.initializerRange()), model.positionEncoding());
    out.load(renamed, "layer surgery");
    return out;
  }

  /** Parses "3-6" or "3" into an inclusive range of layer indices. */
  public static int[] parseRange(String spec) {
    String[] parts = spec.trim().split("-");
    try {
      int a = Integer.parseInt(parts[0].trim());
      int b = parts.length == 1 ? a : Integer.parseInt(parts[1].trim());
      if (parts.length > 2 || a < 0 || b < a) throw new NumberFormatException();
      return new int[] {a, b};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("layer range '" + spec + "' must look like 3-6 (inclusive, ascending)");
    }
  }
}
