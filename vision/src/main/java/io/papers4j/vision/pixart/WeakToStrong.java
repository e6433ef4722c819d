package io.papers4j.vision.pixart;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * PixArt-Σ's weak-to-strong step: a new model (another resolution, latent space, caption length or
 * KV compression) starts from a weaker trained one. Every tensor whose name and shape match is
 * copied; what is new keeps its fresh init:
 *
 * <ul>
 *   <li><b>KV compression inserted</b>: the {@code attn.sr} / {@code attn.norm} tensors are new and
 *       keep their init (Conv Avg Init by default), everything else is copied;
 *   <li><b>higher resolution</b>: all weights copy (they do not depend on the token count); the
 *       sin-cos table is rebuilt with the weaker model's base_size, i.e. PE interpolation;
 *   <li><b>longer captions</b>: the null-caption table {@code y_embedder.y_embedding} (L, D) keeps
 *       its first rows from the weaker model and new rows from its init;
 *   <li><b>new autoencoder</b>: same latent channels copy everything; other channel counts
 *       re-initialise {@code x_embedder.proj} and {@code final_layer.linear} (reported).
 * </ul>
 */
public final class WeakToStrong {
  private WeakToStrong() {}

  /** What {@link #transfer} did. */
  public record Report(List<String> copied, List<String> partial, List<String> fresh) {
    public String summary() {
      return copied.size() + " tensors copied" + (partial.isEmpty() ? "" : ", " + partial.size() + " partly copied " + partial)
          + (fresh.isEmpty() ? "" : ", " + fresh.size() + " new or re-initialised " + fresh);
    }
  }

  /** Copies {@code weak}'s matching tensors into {@code strong} (see the class comment). */
  public static Report transfer(PixArt weak, PixArt strong) {
    Map<String, Tensor> src = new LinkedHashMap<>(weak.namedParameters());
    src.putAll(weak.buffers());
    Map<String, Tensor> dst = new LinkedHashMap<>(strong.namedParameters());
    dst.put("y_embedder.y_embedding", strong.buffers().get("y_embedder.y_embedding"));
    List<String> copied = new ArrayList<>(), partial = new ArrayList<>(), fresh = new ArrayList<>();
    try (NoGradGuard g = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : dst.entrySet()) {
        Tensor from = src.get(e.getKey());
        Tensor to = e.getValue();
        if (from != null && Arrays.equals(from.shape(), to.shape())) {
          to.copy_(from);
          copied.add(e.getKey());
        } else if (from != null && e.getKey().equals("y_embedder.y_embedding") && from.size(1) == to.size(1)) {
          long rows = Math.min(from.size(0), to.size(0));
          to.narrow(0, 0, rows).copy_(from.narrow(0, 0, rows));
          partial.add(e.getKey());
        } else {
          fresh.add(e.getKey());
        }
      }
    }
    return new Report(copied, partial, fresh);
  }
}
