package io.papers4j.vision.iwm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.tensor.Engine;
import java.io.InputStream;
import java.util.function.BiFunction;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each photometric transform against torchvision 0.14's output (tools/reference/iwm_photometric_golden.py). */
class PhotometricGoldenTest {
  static JsonNode golden;
  static Tensor image;

  @BeforeAll
  static void load() throws Exception {
    Engine.init(1);
    try (InputStream in = PhotometricGoldenTest.class.getResourceAsStream("/iwm/photometric_golden.json")) {
      golden = new ObjectMapper().readTree(in);
    }
    image = tensor(golden.get("image"), shape());
  }

  static long[] shape() {
    JsonNode s = golden.get("shape");
    return new long[] {s.get(0).asLong(), s.get(1).asLong(), s.get(2).asLong(), s.get(3).asLong()};
  }

  static Tensor tensor(JsonNode values, long... shape) {
    float[] f = new float[values.size()];
    for (int i = 0; i < f.length; i++) f[i] = (float) values.get(i).asDouble();
    return torch.tensor(f).view(shape);
  }

  static double check(String name, BiFunction<Tensor, Tensor, Tensor> op) {
    JsonNode c = golden.get("cases").get(name);
    Tensor params = tensor(c.get("params"), c.get("params").size());
    Tensor want = tensor(c.get("expected"), shape());
    Tensor got = op.apply(image, params);
    assertThat(got.shape()).containsExactly(shape());
    double maxDiff = got.sub(want).abs().max().item_double();
    System.out.printf("%s: max |Δ| vs torchvision = %.2e%n", name, maxDiff);
    return maxDiff;
  }

  @Test
  void brightness() {
    assertThat(check("brightness", Photometric::brightness)).isLessThan(1e-6);
  }

  @Test
  void contrast() {
    assertThat(check("contrast", Photometric::contrast)).isLessThan(1e-6);
  }

  @Test
  void saturation() {
    assertThat(check("saturation", Photometric::saturation)).isLessThan(1e-6);
  }

  @Test
  void hue() {
    assertThat(check("hue", Photometric::hue)).isLessThan(1e-5);
  }

  @Test
  void grayscale() {
    assertThat(check("grayscale", (x, p) -> Photometric.grayscaleWhere(x, p))).isLessThan(1e-6);
  }

  @Test
  void blur() {
    int k = golden.get("blur_kernel").asInt();
    assertThat(check("blur", (x, p) -> Photometric.blur(x, p, k))).isLessThan(1e-6);
  }

  @Test
  void solarize() {
    double t = golden.get("solarize_threshold").asDouble();
    assertThat(check("solarize", (x, p) -> Photometric.solarize(x, t))).isLessThan(1e-7);
  }
}
