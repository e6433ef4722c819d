package io.papers4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.nn.vision.PatchEmbed;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** Conv2d, GroupNorm and unpatchify against tools/reference/conv_groupnorm_golden.py (PyTorch 1.13, float64). */
class ConvGroupNormTest {
  private static JsonNode golden() throws Exception {
    try (InputStream in = ConvGroupNormTest.class.getResourceAsStream("/nn/conv_groupnorm_golden.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  /** A nested JSON list as a float64 tensor of the same shape. */
  static Tensor tensor(JsonNode nested) {
    List<Long> shape = new ArrayList<>();
    JsonNode n = nested;
    while (n.isArray()) {
      shape.add((long) n.size());
      n = n.get(0);
    }
    List<Double> flat = new ArrayList<>();
    flatten(nested, flat);
    double[] v = flat.stream().mapToDouble(Double::doubleValue).toArray();
    return Tensor.create(v, shape.stream().mapToLong(Long::longValue).toArray()).clone();
  }

  private static void flatten(JsonNode n, List<Double> out) {
    if (n.isArray()) n.forEach(c -> flatten(c, out));
    else out.add(n.asDouble());
  }

  private static void set(Tensor target, JsonNode values) {
    try (NoGradGuard g = new NoGradGuard()) {
      target.copy_(tensor(values));
    }
  }

  @Test
  void conv2d_matches_torch_conv2d() throws Exception {
    int cases = 0;
    double worst = 0;
    for (JsonNode c : golden().get("conv2d")) {
      boolean hasBias = !c.get("bias").isNull();
      Conv2d conv = new Conv2d(c.get("in").asLong(), c.get("out").asLong(), c.get("kernel_h").asInt(),
          c.get("kernel_w").asInt(), c.get("stride").asInt(), c.get("padding").asInt(), hasBias,
          Init.normal(0, 0.02, ScalarType.Double));
      set(conv.weight, c.get("weight"));
      if (hasBias) set(conv.bias, c.get("bias"));
      Tensor y = conv.forward(tensor(c.get("x")));
      Tensor want = tensor(c.get("y"));
      assertThat(y.shape()).containsExactly(want.shape());
      double d = T.maxDiff(y, want);
      worst = Math.max(worst, d);
      assertThat(d).as("conv case %d maxdiff", cases).isLessThan(1e-12);
      assertThat(conv.namedParameters().keySet()).containsExactlyElementsOf(hasBias ? List.of("weight", "bias") : List.of("weight"));
      cases++;
    }
    System.out.printf("conv2d vs torch: %d cases, maxdiff %.3g%n", cases, worst);
    assertThat(cases).isEqualTo(4);
  }

  @Test
  void group_norm_matches_torch_group_norm() throws Exception {
    int cases = 0;
    double worst = 0;
    for (JsonNode c : golden().get("group_norm")) {
      boolean affine = c.get("affine").asBoolean();
      GroupNorm gn = new GroupNorm(c.get("groups").asInt(), c.get("channels").asLong(), c.get("eps").asDouble(),
          affine, Init.normal(0, 0.02, ScalarType.Double));
      if (affine) {
        set(gn.weight, c.get("weight"));
        set(gn.bias, c.get("bias"));
      } else {
        assertThat(gn.namedParameters()).isEmpty();
      }
      Tensor y = gn.forward(tensor(c.get("x")));
      double d = T.maxDiff(y, tensor(c.get("y")));
      worst = Math.max(worst, d);
      assertThat(d).as("group norm case %d maxdiff", cases).isLessThan(1e-12);
      cases++;
    }
    System.out.printf("group_norm vs torch: %d cases, maxdiff %.3g%n", cases, worst);
    assertThat(cases).isEqualTo(4);
  }

  @Test
  void unpatchify_matches_diffusers_einsum_and_inverts_patchify() throws Exception {
    int cases = 0;
    for (JsonNode c : golden().get("unpatchify")) {
      Tensor tokens = tensor(c.get("tokens"));
      Tensor img = PatchEmbed.unpatchify(tokens, c.get("grid_h").asInt(), c.get("grid_w").asInt(),
          c.get("patch").asInt(), c.get("channels").asInt());
      assertThat(T.maxDiff(img, tensor(c.get("images")))).isZero();
      assertThat(T.maxDiff(PatchEmbed.patchify(img, c.get("patch").asInt()), tokens)).isZero();
      cases++;
    }
    assertThat(cases).isEqualTo(2);
    assertThatThrownBy(() -> PatchEmbed.unpatchify(torch.zeros(1, 6, 11), 2, 3, 2, 3)).hasMessageContaining("unpatchify expects (B, 6, 12)");
  }

  @Test
  void bad_shapes_give_one_clear_message() {
    Init init = Init.normal(0, 0.02);
    assertThatThrownBy(() -> new GroupNorm(4, 6, 1e-5, true, init)).hasMessageContaining("divisible");
    assertThatThrownBy(() -> new Conv2d(3, 4, 3, init).forward(torch.zeros(1, 2, 5, 5))).hasMessageContaining("(B, 3, H, W)");
    assertThatThrownBy(() -> new GroupNorm(2, 6, 1e-5, true, init).forward(torch.zeros(1, 4, 2))).hasMessageContaining("(B, 6, …)");
  }

  /** y = Conv(SiLU(GroupNorm(Conv_s2(x)))): autograd of every parameter and of x against central differences. */
  @Test
  void gradients_match_finite_differences() {
    Init init = Init.normal(11, 0.4, ScalarType.Double);
    Conv2d down = new Conv2d(2, 4, 3, 3, 2, 1, true, init);
    GroupNorm gn = new GroupNorm(2, 4, 1e-5, true, init);
    Conv2d conv = new Conv2d(4, 3, 3, init);
    try (NoGradGuard g = new NoGradGuard()) {
      gn.weight.add_(T.randn(1, ScalarType.Double, 4).mul(new Scalar(0.3)));
      gn.bias.add_(T.randn(2, ScalarType.Double, 4).mul(new Scalar(0.3)));
      down.bias.add_(T.randn(3, ScalarType.Double, 4).mul(new Scalar(0.3)));
    }
    Tensor x = T.randn(4, ScalarType.Double, 2, 2, 6, 5).set_requires_grad(true);
    Tensor r = T.randn(5, ScalarType.Double, 2, 3, 3, 3);
    java.util.function.Supplier<Tensor> f =
        () -> conv.forward(torch.silu(gn.forward(down.forward(x)))).mul(r).sum();
    f.get().backward();
    Map<String, Tensor> all = new Params().add("down", down).add("norm", gn).add("conv", conv).add("x", x).map();
    double eps = 1e-6, worst = 0;
    for (Map.Entry<String, Tensor> e : all.entrySet()) {
      Tensor p = e.getValue();
      Tensor grad = p.grad().reshape(-1);
      long n = p.numel();
      for (long idx : new long[] {0, n / 3, n / 2, n - 1}) {
        double numeric = FiniteDifference.at(p, idx, eps, () -> f.get().item_double());
        double analytic = grad.select(0, idx).item_double();
        double err = Math.abs(numeric - analytic) / Math.max(1.0, Math.abs(numeric));
        worst = Math.max(worst, err);
        assertThat(err).as("%s[%d]: autograd %.10f, finite difference %.10f", e.getKey(), idx, analytic, numeric).isLessThan(1e-6);
      }
    }
    System.out.printf("conv/groupnorm gradient check: worst relative error %.3g%n", worst);
  }
}
