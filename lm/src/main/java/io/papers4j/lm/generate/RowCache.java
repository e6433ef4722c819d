package io.papers4j.lm.generate;

import io.papers4j.core.nn.Attention;
import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.lm.llama.LlamaModel;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Key/value caches of R independent sequences ("rows"), each at its own length, and the forward
 * pass of a {@link LlamaModel} over a contiguous range of rows in one batch: what continuous
 * batching needs, where requests of different lengths decode together and join or leave between
 * steps.
 *
 * <p>Per layer the cache holds keys and values (R, Hkv, S, D), position p of row r in slot p (S =
 * capacity). A call with ids (n, T) for rows r0 … r0+n−1 gives row i the positions
 * len_i … len_i+T−1; its new keys/values are scattered into those slots and its queries attend
 * over slots 0 … max_i(len_i)+T−1 with a per-row mask
 *
 * <pre>M[i, t, j] = j ≤ len_i + t  (and j > len_i + t − W for a sliding window W)</pre>
 *
 * so slots a row has not written (or that a previous occupant left behind) are never attended.
 * The layer maths is that of {@link LlamaModel} / {@link Attention} (same weights, same RoPE, same
 * fused kernel); a test checks the result against {@link Generation#generate} sequence by
 * sequence. Create it outside any {@code PointerScope}; {@link #forward} allocates its
 * temporaries in the caller's scope. Inference only.
 */
public final class RowCache {
  private final LlamaModel model;
  private final Tensor[] keys; // per layer (R, Hkv, S, D)
  private final Tensor[] values; // per layer (R, Hkv, S, D)
  private final long[] length; // per row: positions written
  private final int capacity;

  /**
   * @param rows R, the most sequences held at once
   * @param capacity S, the most positions per sequence (prompt + generated)
   */
  public RowCache(LlamaModel model, int rows, int capacity) {
    if (rows < 1) throw new IllegalArgumentException("rows must be >= 1, got " + rows);
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    this.model = model;
    this.capacity = capacity;
    var c = model.config();
    int layers = c.numHiddenLayers();
    ScalarType dtype = model.embedTokens.weight.scalar_type().intern();
    TensorOptions o = new TensorOptions().dtype(new ScalarTypeOptional(dtype));
    this.keys = new Tensor[layers];
    this.values = new Tensor[layers];
    for (int l = 0; l < layers; l++) {
      keys[l] = torch.zeros(new long[] {rows, c.numKeyValueHeads(), capacity, c.headDim()}, o);
      values[l] = torch.zeros(new long[] {rows, c.numKeyValueHeads(), capacity, c.headDim()}, o);
    }
    this.length = new long[rows];
  }

  public int rows() {
    return length.length;
  }

  public int capacity() {
    return capacity;
  }

  /** Positions row {@code r} holds. */
  public long length(int r) {
    return length[r];
  }

  /** Empties row {@code r} (a new sequence starts there). */
  public void reset(int r) {
    length[r] = 0;
  }

  /** Moves the sequence of row {@code from} into row {@code to} (used to keep active rows contiguous). */
  public void move(int from, int to) {
    if (from == to) return;
    long n = length[from];
    if (n > 0) {
      try (NoGradGuard g = new NoGradGuard()) {
        for (int l = 0; l < keys.length; l++) {
          keys[l].select(0, to).narrow(1, 0, n).copy_(keys[l].select(0, from).narrow(1, 0, n));
          values[l].select(0, to).narrow(1, 0, n).copy_(values[l].select(0, from).narrow(1, 0, n));
        }
      }
    }
    length[to] = n;
    length[from] = 0;
  }

  /**
   * Runs ids (n, T) as the continuation of rows {@code row0} … {@code row0+n−1} and returns the
   * final hidden states (n, T, C) after {@code model.norm} (pass rows of them to {@link
   * LlamaModel#logits}). Every row advances by T positions.
   */
  public Tensor forward(Tensor ids, int row0) {
    int n = (int) ids.size(0);
    int t = (int) ids.size(1);
    if (row0 < 0 || row0 + n > length.length) {
      throw new IllegalArgumentException("rows " + row0 + ".." + (row0 + n - 1) + " outside 0.." + (length.length - 1));
    }
    long kLen = 0;
    long[] pos = new long[n * t];
    for (int i = 0; i < n; i++) {
      long start = length[row0 + i];
      if (start + t > capacity) {
        throw new IllegalStateException("row " + (row0 + i) + ": " + start + " + " + t + " positions > capacity " + capacity);
      }
      for (int j = 0; j < t; j++) pos[i * t + j] = start + j;
      kLen = Math.max(kLen, start + t);
    }
    var c = model.config();
    int h = c.numAttentionHeads();
    int hkv = c.numKeyValueHeads();
    int d = c.headDim();
    int window = c.window();
    Tensor positions = Tensor.create(pos).view(n, t); // (n, T)
    Tensor qp = positions.view(n, 1, t, 1); // (n, 1, T, 1)
    Tensor kp = torch.arange(new Scalar(kLen)).view(1, 1, 1, kLen); // (1, 1, 1, Tk)
    Tensor mask = kp.le(qp); // (n, 1, T, Tk)
    if (window > 0) mask = mask.logical_and(kp.gt(qp.sub(new Scalar((long) window))));
    Tensor slots = qp.expand(n, hkv, t, d); // (n, Hkv, T, D): where each new key/value goes

    Tensor x = model.embedTokens.forward(ids); // (n, T, C)
    PositionEncoding.AtPositions pe = model.positionEncoding().at(positions); // RoPE cos/sin once, per-row positions (n, T)
    for (int l = 0; l < model.layers.size(); l++) {
      LlamaModel.DecoderLayer layer = model.layers.get(l);
      Attention a = layer.selfAttn;
      Tensor y = layer.inputLayernorm.forward(x); // (n, T, C)
      Tensor[] qkv = a.project(y); // q (n, H, T, D), k and v (n, Hkv, T, D)
      Tensor v = qkv[2];
      Tensor[] qk = pe.apply(qkv[0], qkv[1]);
      Tensor kc = keys[l].narrow(0, row0, n); // (n, Hkv, S, D)
      Tensor vc = values[l].narrow(0, row0, n);
      kc.scatter_(2, slots, qk[1].contiguous());
      vc.scatter_(2, slots, v.contiguous());
      Tensor kk = Attention.repeatKv(kc.narrow(2, 0, kLen), h / hkv); // (n, H, Tk, D)
      Tensor vv = Attention.repeatKv(vc.narrow(2, 0, kLen), h / hkv);
      Tensor out = Attention.attendFused(qk[0], kk, vv, mask, false); // (n, H, T, D)
      out = out.transpose(1, 2).reshape(n, t, (long) h * d); // (n, T, H·D)
      x = x.add(a.oProj.forward(out)); // (n, T, C)
      x = x.add(layer.mlp.forward(layer.postAttentionLayernorm.forward(x))); // (n, T, C)
    }
    for (int i = 0; i < n; i++) length[row0 + i] += t;
    return model.norm.forward(x); // (n, T, C)
  }
}
