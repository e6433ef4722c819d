import io.papers4j.core.tensor.Engine;
import java.util.Arrays;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;

/**
 * The single ops of one float32 batch-16 decode step of the {@code small} LLaMA (C 256, 8 heads of 32, MLP
 * 1024, vocabulary 8192, 144 cached keys), each timed alone (median µs, gradients off, the result freed
 * by a scope outside the clock); {@code bench/decode_ops_torch.py} times the same ops in PyTorch. Tells
 * whether a gap in {@code bench generate}'s batch-16 rows lies in the kernels or around them.
 *
 * <pre>OMP_WAIT_POLICY=passive java -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp "$(cat cli/target/classpath.txt):$(ls core/target/papers4j-core-*.jar)" bench/DecodeOps.java
 * OMP_WAIT_POLICY=passive /usr/bin/python3 bench/decode_ops_torch.py</pre>
 */
public class DecodeOps {
  static double us(Supplier<Tensor> f, int reps) {
    double[] t = new double[reps];
    try (NoGradGuard g = new NoGradGuard()) {
      for (int r = -50; r < reps; r++) {
        try (PointerScope s = new PointerScope()) {
          long t0 = System.nanoTime();
          f.get();
          if (r >= 0) t[r] = (System.nanoTime() - t0) / 1e3;
        }
      }
    }
    Arrays.sort(t);
    return t[reps / 2];
  }

  public static void main(String[] a) {
    Engine.init(2);
    torch.manual_seed(0);
    int B = 16, H = 8, D = 32, C = 256, F = 1024, V = 8192, K = 144;
    Tensor q = torch.randn(B, H, 1, D), k = torch.randn(B, H, K, D), v = torch.randn(B, H, K, D);
    Tensor x = torch.randn(B, 1, C), y = torch.randn(B, 1, C), g = torch.randn(C), m = torch.randn(B, 1, F), w = torch.randn(B, 1, F);
    Tensor wqkv = torch.randn(3 * C, C), wgu = torch.randn(2 * F, C), wd = torch.randn(C, F), wh = torch.randn(V, C), wo = torch.randn(C, C), wg = torch.randn(F, C);
    Tensor cos = torch.randn(1, D), sin = torch.randn(1, D), logits = torch.randn(B, V);
    double scale = 1.0 / Math.sqrt(D);
    long[] shp = {C};
    Tensor kc = torch.randn(B, H, 512, D), vc = torch.randn(B, H, 512, D);
    Tensor kn = kc.narrow(2, 0, K), vn = vc.narrow(2, 0, K);
    for (int rep = 0; rep < 2; rep++) {
      System.out.println("== round " + (rep + 1));
      System.out.printf("sdpa over cache view (narrow)   %8.1f us%n", us(() -> torch.scaled_dot_product_attention(q, kn, vn, new TensorOptional(), 0.0, false, new DoubleOptional(), false), 200));
      System.out.printf("explicit over cache view        %8.1f us%n", us(() -> torch.softmax(torch.matmul(q, kn.transpose(-2, -1)).mul(new Scalar(scale)), -1).matmul(vn), 200));
      System.out.printf("sdpa (16,8,1,32) over 144 keys  %8.1f us%n", us(() -> torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), 0.0, false, new DoubleOptional(), false), 200));
      System.out.printf("explicit matmul-softmax-matmul  %8.1f us%n", us(() -> torch.softmax(torch.matmul(q, k.transpose(-2, -1)).mul(new Scalar(scale)), -1).matmul(v), 200));
      System.out.printf("linear qkv (16,256)->(768)      %8.1f us%n", us(() -> torch.linear(x, wqkv), 200));
      System.out.printf("linear q, k, v: 3 x (256)       %8.1f us%n", us(() -> { torch.linear(x, wo); torch.linear(x, wo); return torch.linear(x, wo); }, 200));
      System.out.printf("linear o (16,256)->(256)        %8.1f us%n", us(() -> torch.linear(x, wo), 200));
      System.out.printf("linear gate, up: 2 x (1024)     %8.1f us%n", us(() -> { torch.linear(x, wg); return torch.linear(x, wg); }, 200));
      System.out.printf("linear gate/up (16,256)->(2048) %8.1f us%n", us(() -> torch.linear(x, wgu), 200));
      System.out.printf("linear down (16,1024)->(256)    %8.1f us%n", us(() -> torch.linear(m, wd), 200));
      System.out.printf("linear head (16,256)->(8192)    %8.1f us%n", us(() -> torch.linear(x, wh), 200));
      System.out.printf("add (16,1,256)                  %8.1f us%n", us(() -> x.add(y), 500));
      System.out.printf("rms_norm (16,1,256)             %8.1f us%n", us(() -> torch.rms_norm(x, shp, new TensorOptional(g), new DoubleOptional(1e-5)), 500));
      System.out.printf("silu*mul (16,1,1024)            %8.1f us%n", us(() -> torch.silu(m).mul(w), 500));
      System.out.printf("rope q (16,8,1,32): 4 ops       %8.1f us%n", us(() -> q.mul(cos).add(torch.cat(new TensorVector(q.narrow(3, 16, 16).neg(), q.narrow(3, 0, 16)), 3).mul(sin)), 500));
      System.out.printf("cache write narrow.copy_        %8.1f us%n", us(() -> kc.narrow(2, 200, 1).copy_(q), 500));
      System.out.printf("argmax (16,8192)                %8.1f us%n", us(() -> logits.argmax(new LongOptional(-1), true), 200));
    }
  }
}
