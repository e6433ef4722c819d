package io.papers4j.lm.galore;

import io.papers4j.core.optim.BlockwiseInt8;
import io.papers4j.core.optim.LongLived;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One Adam moment (exp_avg or exp_avg_sq) of one parameter, kept in float32 or block-wise int8.
 * The update reads it as float32, changes it in place and writes it back; for int8 that is
 * dequantise → update → requantise, as bitsandbytes does inside its kernel.
 */
abstract class Moment {
  /** The moment as a float32 tensor that the caller may update in place. */
  abstract Tensor read();

  /** Stores the tensor returned by {@link #read} after the update. */
  abstract void write(Tensor updated);

  /** Exact bytes held. */
  abstract long bytes();

  /** Bytes that are quantisation scales (0 for float32). */
  abstract long scaleBytes();

  abstract void putState(String key, Map<String, Tensor> out);

  abstract void loadState(String key, Map<String, Tensor> in);

  static Moment fp32(long[] shape) {
    return new Fp32(shape);
  }

  static Moment int8(long[] shape, int blockSize, Tensor codebook) {
    return new Int8(BlockwiseInt8.zeros(shape, blockSize, codebook));
  }

  private static final class Fp32 extends Moment {
    private final Tensor value;

    Fp32(long[] shape) {
      value = LongLived.keep(torch.zeros(shape));
    }

    @Override
    Tensor read() {
      return value;
    }

    @Override
    void write(Tensor updated) {
      if (!updated.is_same(value)) value.copy_(updated);
    }

    @Override
    long bytes() {
      return value.nbytes();
    }

    @Override
    long scaleBytes() {
      return 0;
    }

    @Override
    void putState(String key, Map<String, Tensor> out) {
      out.put(key, value);
    }

    @Override
    void loadState(String key, Map<String, Tensor> in) {
      Tensor t = in.get(key);
      if (t == null) throw new IllegalArgumentException("optimizer state is missing key " + key);
      if (t.numel() != value.numel()) {
        throw new IllegalArgumentException(
            "optimizer state " + key + " has " + t.numel() + " elements, expected " + value.numel());
      }
      value.copy_(t.reshape(value.sizes()));
    }
  }

  private static final class Int8 extends Moment {
    private final BlockwiseInt8 q;

    Int8(BlockwiseInt8 q) {
      this.q = q;
    }

    @Override
    Tensor read() {
      return q.load();
    }

    @Override
    void write(Tensor updated) {
      q.store(updated);
    }

    @Override
    long bytes() {
      return q.bytes();
    }

    @Override
    long scaleBytes() {
      return q.blocks() * 4L;
    }

    @Override
    void putState(String key, Map<String, Tensor> out) {
      q.putState(key, out);
    }

    @Override
    void loadState(String key, Map<String, Tensor> in) {
      q.loadState(key, in);
    }
  }
}
