package io.papers4j.vision.iwm;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * IWM evaluations: MRR equivariance (our pinned protocol, spec 2(b)), the linear probe on the
 * mean-pooled frozen encoder, and the fine-tuning protocols of the paper's Table 2 (predictor
 * fine-tuning: frozen target encoder, predictor given the null action predicts every token,
 * attentive head, pre-trained predictor at lr/10 vs a random one; encoder fine-tuning; end-to-end).
 */
public final class IwmEval {
  private IwmEval() {}

  /**
   * MRR on {@code images} (N, 3, H, W): per image one source (jitter + destroy), one mask (fixed
   * seed), K target jitters; bank = target encoder (layer-normed) mean-pooled over the masked
   * positions; predictions mean-pooled likewise; rank by L2 ({@link Mrr}).
   */
  public static double mrr(IwmModel model, Tensor images, int k, boolean destructive, long seed) {
    return mrr(model, images, k, destructive, seed, Precision.F32);
  }

  /**
   * As above with the model's forward passes in {@code precision} (bf16 = CPU autocast); the pooled
   * predictions and targets are read back as float32 and ranked in float32.
   */
  public static double mrr(IwmModel model, Tensor images, int k, boolean destructive, long seed, Precision precision) {
    Random rng = new Random(seed);
    MultiBlockMask masks = MultiBlockMask.ijepa(model.config().grid(), model.config().grid());
    long n = images.size(0);
    Tensor[] preds = new Tensor[(int) n];
    Tensor[] banks = new Tensor[(int) n];
    try (NoGradGuard g = new NoGradGuard()) {
      for (int i = 0; i < n; i++) {
        try (PointerScope scope = new PointerScope()) {
          Tensor img = images.narrow(0, i, 1).expand(k, -1, -1, -1).contiguous(); // (K, 3, H, W)
          float[][] jx1 = Actions.sampleJitter(1, rng, 0.8);
          float[][] d1 = Actions.sampleDestroy(1, rng, destructive);
          float[][] jx = new float[k][], d = new float[k][];
          for (int j = 0; j < k; j++) {
            jx[j] = jx1[0];
            d[j] = d1[0];
          }
          float[][] jy = Actions.sampleJitter(k, rng, 1.0);
          Tensor x = Actions.destroy(Actions.jitter(img, jx), d); // K copies of one source view
          Tensor y = Actions.jitter(img, jy);
          Tensor a = Actions.action(jy, jx, d);
          MultiBlockMask.Batch m1 = masks.sample(1, rng);
          int[][] ctx = new int[k][], tgt = new int[k][];
          for (int j = 0; j < k; j++) {
            ctx[j] = m1.context()[0];
            tgt[j] = m1.target()[0];
          }
          Tensor ci = IwmTraining.indices(ctx), ti = IwmTraining.indices(tgt);
          Tensor p, b;
          try (Precision.Region cast = precision.autocast()) {
            // the K versions share one source view and one mask: encode the context once, predict K times
            Tensor z = model.encoder.forward(x.narrow(0, 0, 1), ci.narrow(0, 0, 1)).expand(k, -1, -1); // (K, Nc, C)
            p = model.predictor.forward(z, ci, a, ti).to(torch.ScalarType.Float).mean(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()); // (K, C)
            b = model.targets(y, ti).to(torch.ScalarType.Float).mean(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()); // (K, C)
          }
          preds[i] = p.unsqueeze(0);
          banks[i] = b.unsqueeze(0);
          preds[i].retainReference();
          banks[i].retainReference();
        }
      }
      return Mrr.of(torch.cat(new org.bytedeco.pytorch.TensorVector(preds)), torch.cat(new org.bytedeco.pytorch.TensorVector(banks)));
    }
  }

  /**
   * How much of the EMA target's (layer-normed) features depends on the image: the variance across
   * {@code images} (N, 3, H, W), averaged over tokens and channels. Layer-normed features have unit
   * variance per token, so this is in [0, ~1]; near 0 means the targets collapsed to position-only
   * features and neither the world model nor any head on top of them can see the image.
   */
  public static double targetContentVariance(IwmModel model, Tensor images) {
    try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
      int c = model.config().dim();
      Tensor z = torch.layer_norm(tokens(model.target, images, Precision.F32), new long[] {c}, new org.bytedeco.pytorch.TensorOptional(),
          new org.bytedeco.pytorch.TensorOptional(), 1e-6, false); // (N, T, C)
      return z.var(new long[] {0}, true, false).mean().item_double();
    }
  }

  /** Mean-pooled frozen (online) encoder features of clean images: (N, C). */
  public static Tensor features(IwmModel model, Tensor images) {
    return features(model, images, Precision.F32);
  }

  /** As above with the encoder in {@code precision}; the features come back as float32 (N, C). */
  public static Tensor features(IwmModel model, Tensor images, Precision precision) {
    long n = images.size(0);
    Tensor out = torch.empty(n, model.config().dim()); // (N, C)
    try (NoGradGuard g = new NoGradGuard()) {
      for (long s = 0; s < n; s += EVAL_CHUNK) {
        try (PointerScope scope = new PointerScope(); Precision.Region cast = precision.autocast()) {
          long len = Math.min(EVAL_CHUNK, n - s);
          out.narrow(0, s, len).copy_(model.encoder.forward(images.narrow(0, s, len), null).to(torch.ScalarType.Float)
              .mean(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()));
        }
      }
    }
    return out;
  }

  /**
   * Images per forward pass in the no-gradient evaluations. Whole-set batches (2,000 images) ran
   * 5-10 times slower per image than batches of 64 on 2 cores (measured: 2,500 images took 14.6 s
   * in one batch), so every evaluation encodes in chunks.
   */
  static final int EVAL_CHUNK = 64;

  /**
   * All tokens of {@code images} (N, 3, H, W) through a frozen encoder, no gradient, in chunks of
   * {@link #EVAL_CHUNK} with the forward passes in {@code precision}: (N, T, C), float32.
   */
  public static Tensor tokens(IwmModel.Encoder encoder, Tensor images, Precision precision) {
    long n = images.size(0);
    Tensor out = torch.empty(n, encoder.pos.size(1), encoder.pos.size(2)); // (N, T, C)
    try (NoGradGuard g = new NoGradGuard()) {
      for (long s = 0; s < n; s += EVAL_CHUNK) {
        try (PointerScope scope = new PointerScope(); Precision.Region cast = precision.autocast()) {
          long len = Math.min(EVAL_CHUNK, n - s);
          out.narrow(0, s, len).copy_(encoder.forward(images.narrow(0, s, len), null)); // (len, T, C)
        }
      }
    }
    return out;
  }

  /** Linear probe: logistic regression on standardised features, {@code epochs} full-batch AdamW epochs of minibatches 256. */
  public static double linearProbe(Tensor trainF, Tensor trainY, Tensor testF, Tensor testY, int classes, int epochs, long seed) {
    Tensor mu = trainF.mean(new long[] {0}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
    Tensor sd = trainF.std(new long[] {0}, true, true).add(new Scalar(1e-6));
    Tensor xtr = trainF.sub(mu).div(sd), xte = testF.sub(mu).div(sd);
    Linear head = new Linear(trainF.size(1), classes, true, Init.normal(seed, 0.01));
    AdamW opt = new AdamW(head.namedParameters(), new AdamConfig(1e-2, 0.9, 0.999, 1e-8, 1e-4));
    Random rng = new Random(seed);
    long n = xtr.size(0);
    for (int e = 0; e < epochs; e++) {
      long[] perm = shuffle(n, rng);
      for (int s = 0; s < n; s += 256) {
        try (PointerScope scope = new PointerScope()) {
          Tensor idx = torch.tensor(java.util.Arrays.copyOfRange(perm, s, (int) Math.min(n, s + 256)));
          Tensor loss = torch.cross_entropy(head.forward(xtr.index_select(0, idx)), trainY.index_select(0, idx));
          opt.zeroGrad();
          NativeExit.backward(loss);
          opt.step();
        }
      }
    }
    try (NoGradGuard g = new NoGradGuard()) {
      return head.forward(xte).argmax(new org.bytedeco.pytorch.LongOptional(1), false).eq(testY).to(torch.ScalarType.Double).mean().item_double();
    }
  }

  static long[] shuffle(long n, Random rng) {
    long[] p = new long[(int) n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = (int) n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      long t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** Attentive head: one learned query cross-attends over (B, N, C) tokens, then a linear classifier. */
  static final class AttentiveHead {
    final Tensor query; // (C)
    final Linear key, value, out;

    AttentiveHead(long c, int classes, Init init) {
      query = init.weights(c);
      key = new Linear(c, c, true, init);
      value = new Linear(c, c, true, init);
      out = new Linear(c, classes, true, init);
    }

    Tensor forward(Tensor tokens) {
      Tensor scores = key.forward(tokens).matmul(query).div(new Scalar(Math.sqrt(query.size(0)))); // (B, N)
      Tensor w = torch.softmax(scores, 1).unsqueeze(2); // (B, N, 1)
      return out.forward(value.forward(tokens).mul(w).sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional())); // (B, classes)
    }

    Map<String, Tensor> params() {
      Map<String, Tensor> p = new LinkedHashMap<>();
      p.put("query", query);
      key.namedParameters().forEach((k, v) -> p.put("key." + k, v));
      value.namedParameters().forEach((k, v) -> p.put("value." + k, v));
      out.namedParameters().forEach((k, v) -> p.put("out." + k, v));
      return p;
    }
  }

  /** What a classification fine-tune trains on top of the frozen target encoder. */
  public enum Tune {
    /** pre-trained predictor (lr/10) with the null action, then an attentive head */
    PRETRAINED_PREDICTOR,
    /** randomly initialised predictor (lr), then an attentive head */
    RANDOM_PREDICTOR,
    /** a copy of the encoder (lr/10, no predictor), then an attentive head */
    ENCODER,
    /** the attentive head alone on frozen encoder tokens (attentive probe) */
    HEAD_ONLY,
    /** a copy of the target encoder and the pre-trained predictor, both at lr/10, then an attentive head */
    END_TO_END
  }

  /**
   * Predictor fine-tuning: the frozen target encoder's tokens of the clean image go to the predictor
   * with the null action (zeros), which predicts all tokens; an attentive head classifies them.
   * {@code pretrained}: keep the model's predictor and use lr/10 for it; otherwise re-initialise it.
   * Returns test accuracy.
   */
  public static double predictorFinetune(IwmModel model, boolean pretrained, ColourShapes.Data train, ColourShapes.Data test,
      int steps, int batch, double lr, long seed) {
    return predictorFinetune(model, pretrained, train, test, frozen(model, train, test, Precision.F32), steps, batch, lr, seed);
  }

  /**
   * As above on the frozen target encoder's tokens computed once ({@link #frozen}), so the
   * pre-trained and the random predictor runs of one model share one encoding of the images.
   */
  public static double predictorFinetune(IwmModel model, boolean pretrained, ColourShapes.Data train, ColourShapes.Data test, Frozen frozen,
      int steps, int batch, double lr, long seed) {
    return finetuneRun(model, pretrained ? Tune.PRETRAINED_PREDICTOR : Tune.RANDOM_PREDICTOR, train, test, steps, batch, lr, seed,
        Precision.F32, frozen).accuracy();
  }

  /**
   * The frozen target encoder's tokens of every train and test image, (N, T, C) each: the input of
   * the fine-tunes that do not train the encoder. Computing them once replaces one encoder forward
   * per drawn image per step (a fine-tune of 100 steps of 64 draws 6,400 images from 3,000).
   */
  public record Frozen(Tensor train, Tensor test) {}

  /** {@link Frozen} tokens of the model's target encoder with the forward passes in {@code precision}. */
  public static Frozen frozen(IwmModel model, ColourShapes.Data train, ColourShapes.Data test, Precision precision) {
    return new Frozen(tokens(model.target, train.images(), precision), tokens(model.target, test.images(), precision));
  }

  /** Encoder fine-tuning (a copy of the online encoder at lr/10, attentive head at lr). */
  public static double encoderFinetune(IwmModel model, ColourShapes.Data train, ColourShapes.Data test, int steps, int batch, double lr,
      long seed) {
    return finetune(model, Tune.ENCODER, train, test, steps, batch, lr, seed);
  }

  /** Attentive probe: frozen encoder tokens, attentive head only. */
  public static double attentiveProbe(IwmModel model, ColourShapes.Data train, ColourShapes.Data test, int steps, int batch, double lr,
      long seed) {
    return finetune(model, Tune.HEAD_ONLY, train, test, steps, batch, lr, seed);
  }

  /** Accuracy of {@link #finetuneRun}. */
  public static double finetune(IwmModel model, Tune what, ColourShapes.Data train, ColourShapes.Data test, int steps, int batch,
      double lr, long seed) {
    return finetune(model, what, train, test, steps, batch, lr, seed, Precision.F32);
  }

  /** Accuracy of {@link #finetuneRun} with the forward passes in {@code precision}. */
  public static double finetune(IwmModel model, Tune what, ColourShapes.Data train, ColourShapes.Data test, int steps, int batch,
      double lr, long seed, Precision precision) {
    return finetuneRun(model, what, train, test, steps, batch, lr, seed, precision).accuracy();
  }

  /**
   * One fine-tuning run: test accuracy, the training loss of every step, and the modules it trained
   * (a copy of the predictor, a copy of the encoder, or neither); {@code model} itself is never
   * modified.
   */
  public record FineTuned(double accuracy, java.util.List<Double> losses, IwmModel.Predictor predictor, IwmModel.Encoder encoder) {}

  public static FineTuned finetuneRun(IwmModel model, Tune what, ColourShapes.Data train, ColourShapes.Data test, int steps, int batch,
      double lr, long seed) {
    return finetuneRun(model, what, train, test, steps, batch, lr, seed, Precision.F32);
  }

  /**
   * As above with every forward pass (training and test) in {@code precision}: bf16 = CPU autocast,
   * with float32 weights, AdamW state and logits (cast up before the cross-entropy), the backward pass
   * on the precision's kernels ({@link NativeExit#backward(Tensor, Precision)}).
   */
  public static FineTuned finetuneRun(IwmModel model, Tune what, ColourShapes.Data train, ColourShapes.Data test, int steps, int batch,
      double lr, long seed, Precision precision) {
    return finetuneRun(model, what, train, test, steps, batch, lr, seed, precision, null);
  }

  /**
   * As above; {@code frozen}: the target encoder's tokens of {@code train} and {@code test} when
   * already computed ({@link #frozen}), or null to compute them here. Unused when the run trains an
   * encoder.
   */
  public static FineTuned finetuneRun(IwmModel model, Tune what, ColourShapes.Data train, ColourShapes.Data test, int steps, int batch,
      double lr, long seed, Precision precision, Frozen frozen) {
    IwmConfig c = model.config();
    IwmModel fresh = new IwmModel(c, seed + 1000); // random predictor, and a container for tuned copies
    IwmModel.Predictor pred = null;
    IwmModel.Encoder enc = model.target;
    java.util.List<AdamW> opts = new java.util.ArrayList<>();
    boolean pretrainedPredictor = what == Tune.PRETRAINED_PREDICTOR || what == Tune.END_TO_END;
    if (pretrainedPredictor || what == Tune.RANDOM_PREDICTOR) {
      pred = fresh.predictor;
      if (pretrainedPredictor) io.papers4j.core.nn.Params.load(pred, model.predictor.namedParameters(), "predictor");
      opts.add(new AdamW(pred.namedParameters(), new AdamConfig(pretrainedPredictor ? lr / 10 : lr, 0.9, 0.999, 1e-8, 0.05)));
    }
    boolean tuneEncoder = what == Tune.ENCODER || what == Tune.END_TO_END;
    if (tuneEncoder) {
      // encoder fine-tuning starts from the online encoder; end-to-end from the target encoder the predictor reads
      enc = fresh.encoder;
      io.papers4j.core.nn.Params.load(enc, (what == Tune.ENCODER ? model.encoder : model.target).namedParameters(), "encoder");
      opts.add(new AdamW(enc.namedParameters(), new AdamConfig(lr / 10, 0.9, 0.999, 1e-8, 0.05)));
    } else if (frozen == null) {
      frozen = frozen(model, train, test, precision);
    }
    int classes = (int) Math.max(train.labels().max().item_long(), test.labels().max().item_long()) + 1;
    AttentiveHead head = new AttentiveHead(c.dim(), classes, Init.normal(seed, 0.02));
    opts.add(new AdamW(head.params(), new AdamConfig(lr, 0.9, 0.999, 1e-8, 0.05)));
    Random rng = new Random(seed);
    java.util.List<Double> losses = new java.util.ArrayList<>();
    for (int step = 0; step < steps; step++) {
      try (PointerScope scope = new PointerScope()) {
        long[] pick = new long[batch];
        for (int i = 0; i < batch; i++) pick[i] = (long) (rng.nextDouble() * train.size());
        Tensor idx = torch.tensor(pick);
        Tensor logits;
        try (Precision.Region cast = precision.autocast()) {
          Tensor z = tuneEncoder ? enc.forward(train.images().index_select(0, idx), null) : frozen.train().index_select(0, idx); // (B, N, C)
          logits = logits(z, pred, head, c.tokens()).to(torch.ScalarType.Float); // (B, classes)
        }
        Tensor loss = torch.cross_entropy(logits, train.labels().index_select(0, idx));
        losses.add(loss.item_double());
        for (AdamW o : opts) o.zeroGrad();
        NativeExit.backward(loss, precision);
        for (AdamW o : opts) o.step();
      }
    }
    long correct = 0;
    try (NoGradGuard g = new NoGradGuard()) {
      for (long s = 0; s < test.size(); s += EVAL_CHUNK) {
        try (PointerScope scope = new PointerScope(); Precision.Region cast = precision.autocast()) {
          long len = Math.min(EVAL_CHUNK, test.size() - s);
          Tensor z = tuneEncoder ? enc.forward(test.images().narrow(0, s, len), null) : frozen.test().narrow(0, s, len); // (len, N, C)
          Tensor lg = logits(z, pred, head, c.tokens());
          correct += lg.argmax(new org.bytedeco.pytorch.LongOptional(1), false).eq(test.labels().narrow(0, s, len)).sum().item_long();
        }
      }
    }
    return new FineTuned((double) correct / test.size(), java.util.List.copyOf(losses), pred, tuneEncoder ? enc : null);
  }

  /** Encoder tokens z (B, N, C) → logits (B, classes): through the predictor (null action, all tokens) when there is one. */
  private static Tensor logits(Tensor z, IwmModel.Predictor pred, AttentiveHead head, int nTok) {
    long b = z.size(0);
    if (pred == null) return head.forward(z);
    Tensor all = torch.arange(new Scalar(nTok)).unsqueeze(0).expand(b, -1).contiguous(); // (B, N)
    return head.forward(pred.forward(z, all, torch.zeros(b, Actions.DIM), all)); // (B, N, C) → (B, classes)
  }
}
