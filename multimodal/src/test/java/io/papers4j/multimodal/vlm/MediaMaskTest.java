package io.papers4j.multimodal.vlm;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class MediaMaskTest {
  @Test
  void eachTokenSeesTheTokensOfTheLatestImageOnly() {
    long img = 9;
    Tensor ids = Tensor.create(new long[] {1, img, 2, 3, img, 4}).view(1, 6);
    Tensor idx = MediaMask.mediaIndex(ids, img).contiguous();
    long[] got = new long[6];
    new org.bytedeco.javacpp.LongPointer(idx.data_ptr()).get(got);
    assertThat(got).containsExactly(0, 1, 1, 1, 2, 2);
    Tensor allowed = MediaMask.allowed(ids, img, 2, 2).to(org.bytedeco.pytorch.global.torch.ScalarType.Long).contiguous();
    long[] a = new long[6 * 4];
    new org.bytedeco.javacpp.LongPointer(allowed.data_ptr()).get(a);
    long[] expected = {
      0, 0, 0, 0, // before any image
      1, 1, 0, 0, // the <image> token itself and what follows see image 1
      1, 1, 0, 0,
      1, 1, 0, 0,
      0, 0, 1, 1, // from the second <image> on: image 2 only
      0, 0, 1, 1
    };
    assertThat(a).containsExactly(expected);
  }
}
