import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Where a greedy decode step of {@code bench generate}'s loop spends its time, part by part: the
 * same loop (forward of (B, 1) into the KV cache, argmax, read-back, one PointerScope per step) with
 * System.nanoTime between the parts, LLaMA {@code small}, prompt 128, 32 steps, 3 repeats after a
 * warm-up, f32 and bf16 at batch 1 and 16; also the cost of one tiny native call. Its PyTorch twin
 * is {@code generate_parts_torch.py}, which times the parts of {@code generate_torch.py}'s loop the
 * same way; {@code --save DIR} writes this model's checkpoint for it.
 *
 * <pre>java -cp "$(cat cli/target/classpath.txt)" bench/DecodeParts.java --save /tmp/parts-model
 * /usr/bin/python3 bench/generate_parts_torch.py /tmp/parts-model</pre>
 * (both with OMP_WAIT_POLICY=passive, nothing else running).
 */
public class DecodeParts {
  static final String[] PARTS = {"scope open", "positions", "embedding", "RoPE cos/sin", "input RMSNorm x6",
    "attention x6", "attn residual add x6", "post RMSNorm x6", "SwiGLU x6", "mlp residual add x6", "final RMSNorm",
    "LM head", "select + argmax", "read-back", "scope close"};
  static final double[] acc = new double[PARTS.length];
  static long t;

  static void mark(int i) {
    long n = System.nanoTime();
    acc[i] += n - t;
    t = n;
  }

  public static void main(String[] args) throws Exception {
    Engine.init(); // as the CLI: all cores
    int prompt = 128, steps = 32, reps = 3;
    LlamaConfig c = LlamaConfig.preset("small");
    torch.manual_seed(0);
    // the model's own RoPE, counting how often it builds its cos/sin tables (once per forward is the intent)
    CountingRope rope = new CountingRope(c.headDim(), c.ropeTheta());
    LlamaModel model = new LlamaModel(c, io.papers4j.core.nn.Init.normal(0, c.initializerRange()), rope);
    if (args.length == 2 && args[0].equals("--save")) {
      LlamaCheckpoint.save(model, Path.of(args[1]), Checkpoint.runInfo(Map.of("preset", "small"), 0, "none", 0));
    }
    java.lang.reflect.Field stack = PointerScope.class.getDeclaredField("pointerStack");
    stack.setAccessible(true);
    System.out.printf("threads %d, JavaCPP maxPhysicalBytes %d%n", torch.get_num_threads(),
        org.bytedeco.javacpp.Pointer.maxPhysicalBytes());
    tinyCalls();
    for (Precision p : Precision.values()) {
      for (int batch : new int[] {1, 16}) {
        double[] whole = new double[reps];
        int objects = 0;
        int builds = 0;
        int measured = 0;
        Tensor ids = torch.randint(c.vocabSize(), new long[] {batch, prompt}); // (B, P)
        ids.retainReference();
        try (NoGradGuard g = new NoGradGuard(); Precision.Region cast = p.autocast()) {
          for (int r = -1; r < reps; r++) {
            if (r == 0) Arrays.fill(acc, 0);
            for (boolean parts : new boolean[] {false, true}) {
              LlamaModel.Cache cache = model.newCache(batch, prompt + steps);
              Tensor next;
              try (PointerScope s = new PointerScope()) {
                next = model.forward(ids, cache).select(1, prompt - 1).argmax(new LongOptional(-1), true); // (B, 1)
                next.retainReference();
                next.sum().item_long();
              }
              long t0 = System.nanoTime();
              int buildsBefore = rope.builds;
              for (int i = 0; i < steps; i++) {
                Tensor n2;
                if (!parts) { // the loop bench generate times
                  try (PointerScope s = new PointerScope()) {
                    n2 = model.forward(next, cache).select(1, 0).argmax(new LongOptional(-1), true);
                    n2.retainReference();
                    n2.sum().item_long();
                  }
                } else { // the same, LlamaModel.forward unrolled with a clock between parts
                  t = System.nanoTime();
                  PointerScope s = new PointerScope();
                  mark(0);
                  Tensor positions = cache.positions(1);
                  mark(1);
                  Tensor h = model.embedTokens.forward(next); // (B, 1, C)
                  mark(2);
                  PositionEncoding.AtPositions pe = model.positionEncoding().at(positions);
                  mark(3);
                  for (int l = 0; l < model.layers.size(); l++) {
                    LlamaModel.DecoderLayer layer = model.layers.get(l);
                    Tensor x1 = layer.inputLayernorm.forward(h);
                    mark(4);
                    Tensor a = layer.selfAttn.forward(x1, positions, cache.layer(l), pe);
                    mark(5);
                    h = h.add(a);
                    mark(6);
                    Tensor x2 = layer.postAttentionLayernorm.forward(h);
                    mark(7);
                    Tensor m = layer.mlp.forward(x2);
                    mark(8);
                    h = h.add(m);
                    mark(9);
                  }
                  h = model.norm.forward(h);
                  mark(10);
                  Tensor logits = model.logits(h); // (B, 1, V)
                  mark(11);
                  n2 = logits.select(1, 0).argmax(new LongOptional(-1), true); // (B, 1)
                  mark(12);
                  n2.retainReference();
                  n2.sum().item_long();
                  mark(13);
                  objects = ((Deque<?>) stack.get(s)).size();
                  t = System.nanoTime();
                  s.close();
                  mark(14);
                  if (r >= 0) measured++;
                }
                next.releaseReference();
                next = n2;
              }
              if (!parts && r >= 0) {
                whole[r] = (System.nanoTime() - t0) / 1e3 / steps;
                builds = rope.builds - buildsBefore;
              }
              next.releaseReference();
            }
          }
        }
        ids.releaseReference();
        Arrays.sort(whole);
        System.out.printf("== %s batch %d: step %.0f us (median, uninstrumented); native objects per step %d (layers unrolled"
            + " in one scope); RoPE tables built %.1f times per step (LlamaModel.forward)%n", p.id(), batch, whole[reps / 2],
            objects, builds / (double) steps);
        double sum = 0;
        for (int i = 0; i < PARTS.length; i++) {
          double us = acc[i] / 1e3 / measured;
          sum += us;
          System.out.printf("  %-22s %8.1f us%n", PARTS[i], us);
        }
        System.out.printf("  %-22s %8.1f us%n", "sum (instrumented)", sum);
      }
    }
  }

  /** One tiny op (result freed by the scope), one view, one Scalar: the fixed cost of a call. */
  static void tinyCalls() {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor a = torch.randn(1, 1, 256);
      Tensor b = torch.randn(1, 1, 256);
      int n = 20000;
      double[] us = new double[3];
      for (int w = 0; w < 2; w++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i += 100) try (PointerScope s = new PointerScope()) { for (int j = 0; j < 100; j++) a.add(b); }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i += 100) try (PointerScope s = new PointerScope()) { for (int j = 0; j < 100; j++) a.view(256); }
        long t2 = System.nanoTime();
        for (int i = 0; i < n; i += 100) try (PointerScope s = new PointerScope()) { for (int j = 0; j < 100; j++) new Scalar(1.0); }
        long t3 = System.nanoTime();
        us = new double[] {(t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n, (t3 - t2) / 1e3 / n};
      }
      System.out.printf("per call, freed by a PointerScope: add %.2f us, view %.2f us, new Scalar %.2f us%n", us[0], us[1], us[2]);
    }
  }

  /** RoPE as the model builds it, counting its cos/sin table builds. */
  static final class CountingRope extends io.papers4j.core.nn.pos.RotaryEmbedding {
    int builds;

    CountingRope(int headDim, double theta) {
      super(headDim, theta);
    }

    @Override
    public Tensor[] cosSin(Tensor positions, org.bytedeco.pytorch.global.torch.ScalarType dtype) {
      builds++;
      return super.cosSin(positions, dtype);
    }
  }
}
