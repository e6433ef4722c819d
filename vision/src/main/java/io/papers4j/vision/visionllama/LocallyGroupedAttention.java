package io.papers4j.vision.visionllama;

import io.papers4j.core.nn.Attention;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.pos.GridRope;
import io.papers4j.core.nn.pos.RotaryEmbedding;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Locally-grouped self-attention (LSA; Twins-SVT, code {@code GroupAttention}): the H×W map is
 * zero-padded to multiples of ws and cut into ws×ws windows; every window attends within itself,
 * with 2D RoPE on window-local coordinates (the same rotation in every window; the 1D variant
 * flattens them to 0 … ws²−1).
 *
 * <pre>x (B, H·W, C) → windows (B·n_win, ws², C) → softmax(R q (R k)ᵀ/√D + M) v → (B, H·W, C)</pre>
 *
 * <p>M masks padded keys (−∞), so a padded map gives the same result for real tokens as an
 * unpadded one would (the classification code of Twins simply requires divisibility; the
 * segmentation code masks likewise). With ws ≥ max(H, W) there is one window and LSA is global
 * attention.
 */
final class LocallyGroupedAttention implements Parameterized {
  final Linear qProj;
  final Linear kProj;
  final Linear vProj;
  final Linear oProj;
  private final int heads;
  private final int ws;
  private final GridRope rope;
  private final Tensor[] cosSin; // each (ws², D)

  LocallyGroupedAttention(int dim, int heads, int ws, double theta, Init init) {
    this(dim, heads, ws, GridRope.Kind.ROPE_2D, theta, init);
  }

  /** With {@code kind} ROPE_1D the window-local coordinates are flattened to 0 … ws²−1 (Table 12's 1D row). */
  LocallyGroupedAttention(int dim, int heads, int ws, GridRope.Kind kind, double theta, Init init) {
    this.qProj = new Linear(dim, dim, true, init);
    this.kProj = new Linear(dim, dim, true, init);
    this.vProj = new Linear(dim, dim, true, init);
    this.oProj = new Linear(dim, dim, true, init);
    this.heads = heads;
    this.ws = ws;
    this.rope = new GridRope(kind, dim / heads, theta);
    this.cosSin = windowCosSin(ws);
  }

  /**
   * cos/sin of a window of side {@code window}, its local coordinates scaled by ws / window so that
   * they span the training window's range 0 … ws−1 (identity when window = ws).
   */
  private Tensor[] windowCosSin(int window) {
    Tensor local = PyramidPositions.window(window).mul(new Scalar((double) ws / window));
    if (rope.kind() == GridRope.Kind.ROPE_1D) local = PyramidPositions.flatten(local, ws);
    return rope.cosSin(local, torch.ScalarType.Float);
  }

  /** x (B, H·W, C) → (B, H·W, C) with the trained window ws. */
  Tensor forward(Tensor x, int h, int w) {
    return forward(x, h, w, ws);
  }

  /**
   * As {@link #forward(Tensor, int, int)} with windows of side {@code window}: a diagnostic that
   * enlarges the windows with the test resolution (their coordinates scaled back to 0 … ws−1), so
   * each window covers the same part of an upsampled image as at training. Not the paper's model,
   * whose windows never change.
   */
  Tensor forward(Tensor x, int h, int w, int window) {
    Tensor[] cs = window == ws ? cosSin : windowCosSin(window);
    int ws = window; // the window side in use from here on
    long b = x.size(0);
    long c = x.size(2);
    long d = c / heads;
    int padB = (ws - h % ws) % ws;
    int padR = (ws - w % ws) % ws;
    int hp = h + padB;
    int wp = w + padR;
    int nh = hp / ws;
    int nw = wp / ws;
    long win = (long) ws * ws;
    long nWin = (long) nh * nw;
    Tensor g = x.view(b, h, w, c);
    if (padB > 0 || padR > 0) g = torch.constant_pad_nd(g, new long[] {0, 0, 0, padR, 0, padB}); // (B, Hp, Wp, C)
    g = g.view(b, nh, ws, nw, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(b * nWin, win, c); // (B·n_win, ws², C)
    Tensor q = split(qProj.forward(g), d); // (B·n_win, heads, ws², D)
    Tensor k = split(kProj.forward(g), d);
    Tensor v = split(vProj.forward(g), d);
    q = RotaryEmbedding.rotate(q, cs[0], cs[1]);
    k = RotaryEmbedding.rotate(k, cs[0], cs[1]);
    Tensor mask = null;
    if (padB > 0 || padR > 0) {
      mask = paddingMask(h, w, nh, nw, ws).expand(b, nWin, 1, 1, win).reshape(b * nWin, 1, 1, win);
    }
    Tensor out = Attention.attendFused(q, k, v, mask, false); // (B·n_win, heads, ws², D)
    out = out.transpose(1, 2).reshape(b, nh, nw, ws, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(b, hp, wp, c);
    if (padB > 0 || padR > 0) out = out.narrow(1, 0, h).narrow(2, 0, w);
    return oProj.forward(out.reshape(b, (long) h * w, c)); // (B, H·W, C)
  }

  /** (1, n_win, 1, 1, ws²) bool: true where the window position is a real token, not padding. */
  private static Tensor paddingMask(int h, int w, int nh, int nw, int ws) {
    float[] valid = new float[nh * nw * ws * ws];
    for (int wi = 0; wi < nh; wi++) {
      for (int wj = 0; wj < nw; wj++) {
        for (int a = 0; a < ws; a++) {
          for (int c = 0; c < ws; c++) {
            boolean real = wi * ws + a < h && wj * ws + c < w;
            valid[((wi * nw + wj) * ws + a) * ws + c] = real ? 1f : 0f;
          }
        }
      }
    }
    return Tensor.create(valid).view(1, (long) nh * nw, 1, 1, (long) ws * ws).to(torch.ScalarType.Bool);
  }

  private Tensor split(Tensor t, long d) {
    return t.view(t.size(0), t.size(1), heads, d).transpose(1, 2);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("q_proj", qProj).add("k_proj", kProj).add("v_proj", vProj).add("o_proj", oProj).map();
  }
}
