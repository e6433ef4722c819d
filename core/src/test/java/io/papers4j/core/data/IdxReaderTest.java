package io.papers4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  private static byte[] idx(int[] dims, byte[] data) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(0x00000800 | dims.length);
    for (int d : dims) out.writeInt(d);
    out.write(data);
    return b.toByteArray();
  }

  @Test
  void readsGzippedImagesAndRawLabels() throws Exception {
    byte[] pixels = new byte[2 * 3 * 3];
    for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 13);
    Path img = dir.resolve("x-images-idx3-ubyte.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(img))) {
      o.write(idx(new int[] {2, 3, 3}, pixels));
    }
    Path lab = dir.resolve("x-labels-idx1-ubyte");
    Files.write(lab, idx(new int[] {2}, new byte[] {7, (byte) 200}));

    IdxReader.IdxArray a = IdxReader.read(img);
    assertThat(a.dims()).containsExactly(2, 3, 3);
    assertThat(a.itemSize()).isEqualTo(9);
    assertThat(a.data()).isEqualTo(pixels);
    IdxReader.IdxArray l = IdxReader.read(lab);
    assertThat(l.count()).isEqualTo(2);
    assertThat(l.data()[1] & 0xff).isEqualTo(200);
  }

  @Test
  void truncatedAndForeignFilesFailNamingTheFile() throws Exception {
    Path cut = dir.resolve("cut.idx");
    byte[] whole = idx(new int[] {4, 2}, new byte[8]);
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 3));
    assertThatThrownBy(() -> IdxReader.read(cut)).hasMessageContaining("cut.idx").hasMessageContaining("truncated");
    Path png = dir.resolve("a.png");
    Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4});
    assertThatThrownBy(() -> IdxReader.read(png)).hasMessageContaining("a.png").hasMessageContaining("not an IDX");
    Path floats = dir.resolve("f.idx");
    Files.write(floats, new byte[] {0, 0, 0x0d, 1, 0, 0, 0, 0});
    assertThatThrownBy(() -> IdxReader.read(floats)).hasMessageContaining("unsupported");
  }

  @Test
  void missingFashionMnistNamesTheDebianPackage() {
    assertThatThrownBy(() -> FashionMnist.load(dir, "train"))
        .hasMessageContaining("dataset-fashion-mnist");
  }

  @Test
  void cropFlipShiftsAndMirrors() {
    int n = 4;
    byte[] src = new byte[n * n];
    for (int i = 0; i < src.length; i++) src[i] = (byte) (i + 1);
    byte[] out = new byte[n * n];
    ImageAugment.cropFlip(src, 0, out, 0, n, 0, new Random(1) {
      @Override
      public boolean nextBoolean() {
        return true; // force the flip
      }
    });
    assertThat(out[0]).isEqualTo(src[n - 1]); // row 0 mirrored
    assertThat(out[n - 1]).isEqualTo(src[0]);
    // with padding, every output pixel is either 0 or a source pixel, and pixels are conserved up to the shift
    byte[] shifted = new byte[n * n];
    ImageAugment.cropFlip(src, 0, shifted, 0, n, 1, new Random(3));
    long nonZero = 0;
    for (byte b : shifted) if (b != 0) nonZero++;
    assertThat(nonZero).isBetween(9L, 16L);
  }
}
