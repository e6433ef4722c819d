import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.nn.Attention;
import io.papers4j.core.tensor.Engine;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;

/**
 * Where one float32 batch-1 prefill of {@code bench generate} (LLaMA {@code small}, prompt 128, into an
 * empty KV cache, logits at every position) spends its time: the whole prefill as the benchmark times it,
 * then each op of it alone at the same shapes (median µs, gradients off, the result freed by a scope
 * outside the clock), including the modes one op could run in (SDPA causal vs an explicit mask, a 3-D
 * vs a 2-D product, a strided vs a contiguous operand). {@code bench/prefill_ops_torch.py} times the
 * same prefill and ops in PyTorch; {@code --save DIR} writes this model's checkpoint for it.
 *
 * <pre>OMP_WAIT_POLICY=passive java -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp "$(cat cli/target/classpath.txt):$(ls core/target/papers4j-core-*.jar):$(ls lm/target/papers4j-lm-*.jar)" bench/PrefillOps.java --save /tmp/prefill-model
 * OMP_WAIT_POLICY=passive /usr/bin/python3 bench/prefill_ops_torch.py /tmp/prefill-model</pre>
 */
public class PrefillOps {
  static double us(Supplier<Tensor> f, int reps) {
    double[] t = new double[reps];
    try (NoGradGuard g = new NoGradGuard()) {
      for (int r = -10; r < reps; r++) {
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

  static void row(String name, Supplier<Tensor> f, int reps) {
    System.out.printf("%-44s %9.1f us%n", name, us(f, reps));
  }

  static double prefill(LlamaModel model, Tensor ids, Attention.Kernel kernel, int reps) {
    for (LlamaModel.DecoderLayer l : model.layers) l.selfAttn.kernel(kernel);
    double[] t = new double[reps];
    try (NoGradGuard g = new NoGradGuard()) {
      for (int r = -2; r < reps; r++) {
        LlamaModel.Cache cache = model.newCache(1, 160);
        long t0 = System.nanoTime();
        try (PointerScope s = new PointerScope()) {
          model.forward(ids, cache).select(1, 127).argmax(new LongOptional(-1), true).sum().item_long();
        }
        if (r >= 0) t[r] = (System.nanoTime() - t0) / 1e6;
      }
    }
    for (LlamaModel.DecoderLayer l : model.layers) l.selfAttn.kernel(Attention.Kernel.FUSED);
    Arrays.sort(t);
    return t[reps / 2];
  }

  public static void main(String[] args) throws Exception {
    Engine.init(); // as the CLI: all cores
    LlamaConfig c = LlamaConfig.preset("small");
    torch.manual_seed(0);
    LlamaModel model = new LlamaModel(c, 0);
    if (args.length == 2 && args[0].equals("--save")) {
      LlamaCheckpoint.save(model, Path.of(args[1]), Checkpoint.runInfo(Map.of("preset", "small"), 0, "none", 0));
    }
    System.out.printf("threads %d%n", torch.get_num_threads());
    int T = 128, H = 8, D = 32, C = 256, F = 1024, V = 8192;
    Tensor ids = torch.randint(V, new long[] {1, T});
    Tensor x = torch.randn(1, T, C), y = torch.randn(1, T, C), g = torch.randn(C);
    Tensor m = torch.randn(1, T, F), w2 = torch.randn(1, T, F), gu = torch.randn(1, T, 2 * F);
    Tensor wq = torch.randn(C, C), wg = torch.randn(F, C), wgu = torch.randn(2 * F, C), wqkv = torch.randn(3 * C, C);
    Tensor wd = torch.randn(C, F), wh = torch.randn(V, C);
    // q/k/v as the model has them: (1, T, H, D) viewed and transposed to (1, H, T, D), not contiguous
    Tensor qs = torch.randn(1, T, H, D).transpose(1, 2), ks = torch.randn(1, T, H, D).transpose(1, 2);
    Tensor vs = torch.randn(1, T, H, D).transpose(1, 2);
    Tensor qc = qs.contiguous(), kc = ks.contiguous(), vc = vs.contiguous();
    Tensor cos = torch.randn(T, D), sin = torch.randn(T, D);
    Tensor cache = torch.zeros(1, H, 160, D);
    // keys and values as the model passes them: the first 128 of a 160-slot cache
    Tensor kv = torch.randn(1, H, 160, D).narrow(2, 0, T), vv = torch.randn(1, H, 160, D).narrow(2, 0, T);
    Tensor boolMask = torch.ones(T, T).tril().to(torch.ScalarType.Bool);
    Tensor addMask = torch.full(new long[] {T, T}, new Scalar(Double.NEGATIVE_INFINITY)).triu(1);
    Tensor att = torch.randn(1, H, T, D);
    Tensor logits = torch.randn(1, T, V);
    long[] shp = {C};
    double scale = 1.0 / Math.sqrt(D);
    for (int round = 1; round <= 2; round++) {
      System.out.println("== round " + round);
      System.out.printf("%-44s %9.2f ms%n", "whole prefill (SDPA, as bench generate)", prefill(model, ids, Attention.Kernel.FUSED, 15));
      System.out.printf("%-44s %9.2f ms%n", "whole prefill (explicit attention)", prefill(model, ids, Attention.Kernel.NAIVE, 15));
      row("embedding (1,128)", () -> model.embedTokens.forward(ids), 100);
      row("rms_norm (1,128,256)", () -> torch.rms_norm(x, shp, new TensorOptional(g), new DoubleOptional(1e-5)), 100);
      row("linear (1,128,256)->256", () -> torch.linear(x, wq), 100);
      row("mm 2-D (128,256)->256", () -> torch.mm(x.view(T, C), wq.t()), 100);
      row("linear (1,128,256)->768 (q,k,v stacked)", () -> torch.linear(x, wqkv), 100);
      row("linear (1,128,256)->1024", () -> torch.linear(x, wg), 100);
      row("linear (1,128,256)->2048 (gate,up stacked)", () -> torch.linear(x, wgu), 100);
      row("linear (1,128,1024)->256", () -> torch.linear(m, wd), 100);
      row("linear head (1,128,256)->8192", () -> torch.linear(x, wh), 50);
      row("mm 2-D head (128,256)->8192", () -> torch.mm(x.view(T, C), wh.t()), 50);
      row("rope q strided (1,8,128,32): 4 ops", () -> qs.mul(cos).add(qs.roll(new long[] {D / 2}, new long[] {-1}).mul(sin)), 100);
      row("rope q contiguous: 4 ops", () -> qc.mul(cos).add(qc.roll(new long[] {D / 2}, new long[] {-1}).mul(sin)), 100);
      row("cache write narrow.copy_ (1,8,128,32)", () -> cache.narrow(2, 0, T).copy_(ks), 100);
      row("sdpa is_causal, q/k/v strided", () -> torch.scaled_dot_product_attention(qs, ks, vs, new TensorOptional(), 0.0, true, new DoubleOptional(), false), 100);
      row("sdpa is_causal, q strided, k/v cache views", () -> torch.scaled_dot_product_attention(qs, kv, vv, new TensorOptional(), 0.0, true, new DoubleOptional(), false), 100);
      row("q.contiguous() + sdpa, k/v cache views", () -> torch.scaled_dot_product_attention(qs.contiguous(), kv, vv, new TensorOptional(), 0.0, true, new DoubleOptional(), false), 100);
      row("sdpa is_causal, contiguous", () -> torch.scaled_dot_product_attention(qc, kc, vc, new TensorOptional(), 0.0, true, new DoubleOptional(), false), 100);
      row("sdpa bool mask, contiguous", () -> torch.scaled_dot_product_attention(qc, kc, vc, new TensorOptional(boolMask), 0.0, false, new DoubleOptional(), false), 100);
      row("sdpa additive mask, contiguous", () -> torch.scaled_dot_product_attention(qc, kc, vc, new TensorOptional(addMask), 0.0, false, new DoubleOptional(), false), 100);
      row("explicit matmul-softmax-matmul + mask", () -> torch.softmax(torch.matmul(qc, kc.transpose(-2, -1)).mul(new Scalar(scale)).add(addMask), -1).matmul(vc), 100);
      row("out transpose(1,2).reshape (copy)", () -> att.transpose(1, 2).reshape(1, T, C), 100);
      row("add (1,128,256)", () -> x.add(y), 100);
      row("silu*mul (1,128,1024) separate", () -> torch.silu(m).mul(w2), 100);
      row("silu*mul (1,128,1024) of narrowed halves", () -> torch.silu(gu.narrow(-1, 0, F)).mul(gu.narrow(-1, F, F)), 100);
      row("select(1,127) + argmax (1,8192)", () -> logits.select(1, T - 1).argmax(new LongOptional(-1), true), 100);
      row("RoPE tables + rotate q and k (positions 128)", () -> model.positionEncoding().at(torch.arange(new Scalar(T))).apply(qs, ks)[0], 100);
    }
  }
}
