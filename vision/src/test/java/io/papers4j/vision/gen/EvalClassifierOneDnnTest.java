package io.papers4j.vision.gen;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Engine;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * The classifier is the one network that runs on oneDNN (core.tensor.Engine switches it off for every
 * other model: its AVX-512 convolutions read unzeroed channel padding). After the allocator has been
 * handed NaN-filled memory and freed it, the classifier's loss and every parameter gradient must
 * still equal a float64 re-computation of the same network with plain tensor operations.
 */
class EvalClassifierOneDnnTest {
  private static void poisonAllocator() {
    try (PointerScope s = new PointerScope()) {
      for (int i = 0; i < 64; i++) torch.full(new long[] {1L << (8 + i % 12)}, new Scalar(Float.NaN));
    }
  }

  private static Tensor conv(Tensor x, Tensor w, Tensor b) {
    return torch.conv2d(x, w, new TensorOptional(b), new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1}, 1);
  }

  /** The network of EvalClassifier's class comment, in float64, over copies of its parameters. */
  private static Tensor referenceLoss(Map<String, Tensor> p, Tensor images, Tensor labels) {
    Tensor x = images.to(ScalarType.Double).sub(new Scalar(0.5)).div(new Scalar(0.5));
    x = torch.relu(conv(x, p.get("conv1.weight"), p.get("conv1.bias")));
    x = torch.relu(conv(x, p.get("conv2.weight"), p.get("conv2.bias")));
    x = torch.max_pool2d(x, 2, 2).flatten(1, -1);
    x = torch.relu(torch.linear(x, p.get("fc1.weight"), new TensorOptional(p.get("fc1.bias"))));
    Tensor logits = torch.linear(x, p.get("heads.0.weight"), new TensorOptional(p.get("heads.0.bias")));
    return torch.cross_entropy(logits, labels.select(1, 0));
  }

  @Test
  void lossAndGradientsOnOneDnnMatchFloat64OverPoisonedMemory() {
    Engine.init();
    for (int channels : new int[] {1, 3}) {
      try (PointerScope outer = new PointerScope()) {
        torch.manual_seed(channels);
        EvalClassifier net = new EvalClassifier(
            new EvalClassifier.Config("test", channels, 16, List.of("class"), List.of(List.of("a", "b", "c", "d"))), 7);
        Tensor images = torch.rand(new long[] {16, channels, 16, 16});
        Tensor labels = torch.randint(4, new long[] {16, 1});
        for (int trial = 0; trial < 3; trial++) {
          for (Tensor t : net.namedParameters().values()) {
            if (t.grad().defined()) t.grad().zero_();
          }
          poisonAllocator();
          Tensor loss;
          try (Engine.OneDnn k = Engine.oneDnn()) { // as EvalClassifier.train: forward and backward
            loss = net.loss(images, labels);
            loss.backward();
          }
          Map<String, Tensor> ref = new java.util.LinkedHashMap<>();
          net.namedParameters().forEach((name, t) -> ref.put(name, t.detach().to(ScalarType.Double).set_requires_grad(true)));
          Tensor want = referenceLoss(ref, images, labels);
          want.backward();
          assertThat(loss.item_double()).as("C=%d trial %d loss", channels, trial).isCloseTo(want.item_double(), org.assertj.core.data.Offset.offset(1e-5));
          for (Map.Entry<String, Tensor> e : net.namedParameters().entrySet()) {
            Tensor g = e.getValue().grad();
            Tensor r = ref.get(e.getKey()).grad();
            double err = g.to(ScalarType.Double).sub(r).abs().max().item_double();
            double scale = r.abs().max().item_double();
            assertThat(err).as("C=%d trial %d %s gradient max error (max |g| %.3g)", channels, trial, e.getKey(), scale)
                .isLessThanOrEqualTo(1e-4 * Math.max(scale, 1e-3));
          }
        }
      }
    }
  }
}
