package io.papers4j.vision.iwm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * I-JEPA's multi-block mask sampler ({@code src/masks/multiblock.py} of facebookresearch/ijepa,
 * re-implemented from its description): on an h×w token grid, per image
 *
 * <pre>target block: s ~ U(scale), r ~ U(aspect); keep = ⌊h·w·s⌋; bh = round(√(keep·r)), bw = round(√(keep/r))
 *               (shrunk below the grid), top ~ U{0 … h−bh−1}, left ~ U{0 … w−bw−1}
 * targets   = ∪ of {@code blocks} target blocks
 * context   = one block of scale U(contextScale), aspect 1, minus the targets (≥ minKeep tokens,
 *             resampled otherwise)</pre>
 *
 * Like the collator, a batch uses one target scale/aspect draw and one context scale draw for all
 * images, and truncates every image's index lists to the batch minimum so they stack into (B, N)
 * tensors. Indices are row-major token positions.
 */
public final class MultiBlockMask {
  /** One block: rows [top, top + height), columns [left, left + width). */
  public record Block(int top, int left, int height, int width) {}

  /** One image's blocks and its index lists (before batch truncation). */
  public record Sample(List<Block> targetBlocks, Block contextBlock, int[] target, int[] context) {}

  /** A batch: per image (truncated to the batch minimum) target and context indices. */
  public record Batch(List<Sample> samples, int[][] target, int[][] context) {}

  private final int gridH;
  private final int gridW;
  private final int blocks;
  private final double[] scale;
  private final double[] aspect;
  private final double[] contextScale;
  private final int minKeep;

  /**
   * @param blocks number of target blocks (4)
   * @param scale target block scale range ({0.15, 0.2})
   * @param aspect target block aspect-ratio range ({0.75, 1.5})
   * @param contextScale context block scale range ({0.85, 1.0})
   * @param minKeep minimum context tokens (I-JEPA: 4)
   */
  public MultiBlockMask(int gridH, int gridW, int blocks, double[] scale, double[] aspect, double[] contextScale, int minKeep) {
    if (gridH < 2 || gridW < 2) throw new IllegalArgumentException("mask grid must be at least 2x2, got " + gridH + "x" + gridW);
    if (blocks < 1) throw new IllegalArgumentException("need at least one target block, got " + blocks);
    check("scale", scale);
    check("aspect", aspect);
    check("context scale", contextScale);
    if (minKeep < 1 || minKeep >= gridH * gridW) throw new IllegalArgumentException("minKeep out of range: " + minKeep);
    this.gridH = gridH;
    this.gridW = gridW;
    this.blocks = blocks;
    this.scale = scale;
    this.aspect = aspect;
    this.contextScale = contextScale;
    this.minKeep = minKeep;
  }

  /** The paper's defaults: 4 blocks at scale 0.15-0.2, aspect 0.75-1.5, context 0.85-1.0. */
  public static MultiBlockMask ijepa(int gridH, int gridW) {
    return new MultiBlockMask(gridH, gridW, 4, new double[] {0.15, 0.2}, new double[] {0.75, 1.5}, new double[] {0.85, 1.0}, 4);
  }

  private static void check(String what, double[] r) {
    if (r.length != 2 || !(r[0] > 0) || !(r[1] >= r[0])) {
      throw new IllegalArgumentException(what + " range must be 0 < lo <= hi, got " + java.util.Arrays.toString(r));
    }
  }

  public int tokens() {
    return gridH * gridW;
  }

  Block block(Random rng, double s, double r) {
    int keep = (int) (gridH * gridW * s);
    int h = (int) Math.round(Math.sqrt(keep * r));
    int w = (int) Math.round(Math.sqrt(keep / r));
    while (h >= gridH) h--;
    while (w >= gridW) w--;
    h = Math.max(h, 1);
    w = Math.max(w, 1);
    int top = rng.nextInt(gridH - h);
    int left = rng.nextInt(gridW - w);
    return new Block(top, left, h, w);
  }

  /** Samples one batch of {@code batch} images. */
  public Batch sample(int batch, Random rng) {
    double s = scale[0] + rng.nextDouble() * (scale[1] - scale[0]);
    double r = aspect[0] + rng.nextDouble() * (aspect[1] - aspect[0]);
    double cs = contextScale[0] + rng.nextDouble() * (contextScale[1] - contextScale[0]);
    List<Sample> samples = new ArrayList<>();
    int minT = Integer.MAX_VALUE, minC = Integer.MAX_VALUE;
    for (int i = 0; i < batch; i++) {
      Sample smp = one(rng, s, r, cs);
      samples.add(smp);
      minT = Math.min(minT, smp.target().length);
      minC = Math.min(minC, smp.context().length);
    }
    int[][] t = new int[batch][], c = new int[batch][];
    for (int i = 0; i < batch; i++) {
      t[i] = java.util.Arrays.copyOf(samples.get(i).target(), minT);
      c[i] = java.util.Arrays.copyOf(samples.get(i).context(), minC);
    }
    return new Batch(samples, t, c);
  }

  private Sample one(Random rng, double s, double r, double cs) {
    for (int attempt = 0; ; attempt++) {
      boolean[] masked = new boolean[gridH * gridW];
      List<Block> ts = new ArrayList<>();
      for (int k = 0; k < blocks; k++) {
        Block b = block(rng, s, r);
        ts.add(b);
        mark(masked, b);
      }
      Block ctx = block(rng, cs, 1.0);
      boolean[] inCtx = new boolean[gridH * gridW];
      mark(inCtx, ctx);
      List<Integer> target = new ArrayList<>(), context = new ArrayList<>();
      for (int i = 0; i < masked.length; i++) {
        if (masked[i]) target.add(i);
        else if (inCtx[i]) context.add(i);
      }
      if (context.size() >= minKeep || attempt > 50) {
        return new Sample(ts, ctx, target.stream().mapToInt(Integer::intValue).toArray(),
            context.stream().mapToInt(Integer::intValue).toArray());
      }
    }
  }

  private void mark(boolean[] m, Block b) {
    for (int y = b.top(); y < b.top() + b.height(); y++) {
      for (int x = b.left(); x < b.left() + b.width(); x++) m[y * gridW + x] = true;
    }
  }
}
