package io.papers4j.core.optim;

import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A float32 tensor stored as one byte per element plus one float32 scale per block.
 *
 * <p>Quantise: split the flattened tensor into blocks of {@code blockSize} (the last one padded with
 * zeros), s_b = max |x| over block b, and store for each x the index of the code c in {@link
 * QuantMap} nearest to x / s_b. Dequantise: x̂ = c[index] · s_b. Per-block scales confine an
 * outlier's damage to its own block (Dettmers et al. 2022 use blocks of 2,048).
 *
 * <p>Memory: numel bytes of codes + 4 · ceil(numel / blockSize) bytes of scales; the code book
 * itself is shared by every tensor of an optimizer and counted once there.
 */
public final class BlockwiseInt8 {
  /** Block size of Dettmers et al. 2022 for optimizer states. */
  public static final int DEFAULT_BLOCK = 2048;

  private final long[] shape;
  private final long numel;
  private final int blockSize;
  private final Tensor codebook; // (K) float32, ascending, shared
  private final Tensor codes; // (numel) uint8
  private final Tensor absmax; // (blocks) float32

  private BlockwiseInt8(long[] shape, int blockSize, Tensor codebook) {
    this.shape = shape.clone();
    long n = 1;
    for (long d : shape) n *= d;
    this.numel = n;
    this.blockSize = blockSize;
    this.codebook = codebook;
    this.codes = LongLived.keep(torch.zeros(numel).to(torch.ScalarType.Byte));
    this.absmax = LongLived.keep(torch.zeros(blocks()));
  }

  /** A zero tensor of {@code shape}, quantised with {@code codebook} (from {@link QuantMap#tensor}). */
  public static BlockwiseInt8 zeros(long[] shape, int blockSize, Tensor codebook) {
    if (blockSize <= 0) throw new IllegalArgumentException("blockSize must be > 0, got " + blockSize);
    return new BlockwiseInt8(shape, blockSize, codebook);
  }

  public long blocks() {
    return (numel + blockSize - 1) / blockSize;
  }

  public long[] shape() {
    return shape.clone();
  }

  /** Bytes of codes and scales (the code book is shared and not included). */
  public long bytes() {
    return codes.nbytes() + absmax.nbytes();
  }

  /** Stores {@code x} (same shape, float32), replacing the previous content. */
  public void store(Tensor x) {
    Tensor blocked = padded(x.reshape(-1)); // (blocks, blockSize)
    Tensor scale = blocked.abs().amax(new long[] {1}, true); // (blocks, 1)
    // an all-zero block keeps scale 0; divide by 1 there so the codes come out as exact zeros
    Tensor safe = torch.where(scale.gt(new Scalar(0.0)), scale, torch.ones_like(scale));
    Tensor normed =
        blocked
            .div(safe)
            .clamp_(new ScalarOptional(new Scalar(-1.0)), new ScalarOptional(new Scalar(1.0)));
    Tensor idx = nearestCode(normed.reshape(-1)).narrow(0, 0, numel);
    codes.copy_(idx.to(torch.ScalarType.Byte));
    absmax.copy_(scale.reshape(-1));
  }

  /** A new float32 tensor of the original shape: c[code] · absmax. */
  public Tensor load() {
    Tensor values = codebook.index_select(0, codes.to(torch.ScalarType.Long)); // (numel)
    Tensor blocked = padded(values); // (blocks, blockSize)
    return blocked.mul(absmax.reshape(-1, 1)).reshape(-1).narrow(0, 0, numel).reshape(shape);
  }

  /** State tensors for checkpoints under {@code prefix + ".codes"} and {@code prefix + ".absmax"}. */
  public void putState(String prefix, Map<String, Tensor> out) {
    out.put(prefix + ".codes", codes);
    out.put(prefix + ".absmax", absmax);
  }

  /** Restores what {@link #putState} wrote; fails naming the missing or mis-shaped key. */
  public void loadState(String prefix, Map<String, Tensor> in) {
    copyChecked(prefix + ".codes", codes, in);
    copyChecked(prefix + ".absmax", absmax, in);
  }

  static void copyChecked(String key, Tensor into, Map<String, Tensor> in) {
    Tensor t = in.get(key);
    if (t == null) throw new IllegalArgumentException("optimizer state is missing key " + key);
    if (t.numel() != into.numel()) {
      throw new IllegalArgumentException(
          "optimizer state " + key + " has " + t.numel() + " elements, expected " + into.numel());
    }
    into.copy_(t.reshape(into.sizes()));
  }

  /** Index of the nearest code for each value in [-1, 1]. */
  private Tensor nearestCode(Tensor v) {
    long k = codebook.size(0);
    // first i with codebook[i] >= v, then compare with the code just below it
    Tensor hiIdx =
        torch.bucketize(v, codebook, false, false)
            .clamp_(new ScalarOptional(new Scalar(1)), new ScalarOptional(new Scalar(k - 1)));
    Tensor loIdx = hiIdx.sub(new Scalar(1));
    Tensor hi = codebook.index_select(0, hiIdx);
    Tensor lo = codebook.index_select(0, loIdx);
    Tensor takeLo = v.sub(lo).le(hi.sub(v));
    return torch.where(takeLo, loIdx, hiIdx);
  }

  /** Flat (numel) → (blocks, blockSize), zero-padded. */
  private Tensor padded(Tensor flat) {
    long pad = blocks() * blockSize - numel;
    Tensor p = pad == 0 ? flat : torch.constant_pad_nd(flat, new long[] {0, pad});
    return p.reshape(blocks(), blockSize);
  }
}
