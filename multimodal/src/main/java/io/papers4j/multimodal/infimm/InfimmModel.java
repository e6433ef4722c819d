package io.papers4j.multimodal.infimm;

import io.papers4j.core.io.ModelDirectory;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.multimodal.vlm.FlamingoLm;
import io.papers4j.multimodal.vlm.PerceiverResampler;
import io.papers4j.multimodal.vlm.VisionEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * InfiMM-HD (arXiv 2403.01487) at small scale: a ViT sees the image at one of three resolution
 * settings, its tokens become the keys/values of gated cross-attention inside a LLaMA decoder.
 *
 * <pre>BASE:    x → pad square → resize base → ViT                           (L tokens)
 * FIXED:   x → pad square → resize tile (interpolated ViT positions) → ViT  (L' tokens)
 * DYNAMIC: x → [thumbnail; n×n tiles] → ViT each; tile (r, c) += PE2d(r, c) → concat ((1 + n²)·L' tokens)
 * (option)  maskCls: every crop's CLS token dropped (L = patches only)
 * (ablation) visual → Perceiver resampler → R tokens
 * text: <image> question \n answer <|endofchunk|>  → FlamingoLm (x-attn every N layers)</pre>
 *
 * The text sequence length never grows with resolution; only the cross-attention keys do.
 */
public final class InfimmModel implements Parameterized {
  /** The resolution settings of the paper's Tab. 5. */
  public enum Resolution { BASE, FIXED, DYNAMIC }

  private final InfimmConfig config;
  public final VisionEncoder vision;
  public final FlamingoLm lm;
  public final PerceiverResampler resampler; // null unless the Tab. 7 ablation

  /**
   * The gate value g (tanh g ≈ 0.76) of a model trained from scratch ({@link #fromScratch}). Flamingo and
   * InfiMM-HD start the gates at 0 so that inserting cross-attention leaves a pretrained LM's output
   * unchanged; here stage 1 trains the ViT and the LM from scratch as well, so there is no output to
   * keep, and closed gates starve the vision path: the gradient reaching the ViT and the cross-attention
   * weights is scaled by tanh g ≈ 0. Measured (quick model, 150 stage-1 steps of batch 8 on
   * background-colour captions, dynamic resolution, 96 held-out documents): gates at 0 answer 38.5%
   * whatever the image (the prior); gates at 1 answer 100% with the true image, 36.5% with another
   * document's and 31.3% with a blank one.
   */
  public static final double SCRATCH_GATE = 1.0;

  /** A model with every cross-attention gate at 0 (the paper's initialisation; the LM's output is unchanged). */
  public InfimmModel(InfimmConfig c, long seed) {
    this(c, seed, 0.0);
  }

  /** A model to train from scratch: gates at {@link #SCRATCH_GATE}. */
  public static InfimmModel fromScratch(InfimmConfig c, long seed) {
    return new InfimmModel(c, seed, SCRATCH_GATE);
  }

  private InfimmModel(InfimmConfig c, long seed, double gateStart) {
    Init init = Init.normal(seed, 0.02);
    this.config = c;
    this.vision = new VisionEncoder(new VisionEncoder.Config(c.patch(), c.visionDim(), c.visionLayers(), c.visionHeads(), c.baseResolution()), init);
    LlamaConfig lc = LlamaConfig.llama(InfimmConfig.VOCAB, c.lmDim(), 3 * c.lmDim(), c.lmLayers(), c.lmHeads(), c.lmHeads(),
        c.maxText(), 1e-5, 10000, false);
    this.lm = new FlamingoLm(new LlamaModel(lc, Init.normal(seed + 1, 0.02), null), c.visionDim(), c.crossEvery(),
        c.crossHeads(), c.crossHeadDim(), InfimmConfig.IMAGE_TOKEN, init);
    this.resampler = c.resamplerLatents() > 0 ? new PerceiverResampler(c.visionDim(), c.resamplerLatents(), 2, c.visionHeads(), init) : null;
    if (gateStart != 0) {
      try (NoGradGuard ng = new NoGradGuard()) {
        lm.crossAttentionParameters().forEach((name, t) -> {
          if (name.endsWith("_gate")) t.fill_(new Scalar(gateStart));
        });
      }
    }
  }

  public InfimmConfig config() {
    return config;
  }

  /** Visual tokens of a batch of images (3, H, W) in [0, 1]: (B, M, Cv) padded, and valid (B, M) bool. */
  public Tensor[] encodeImages(List<Tensor> images, Resolution res) {
    List<Tensor> perImage = new ArrayList<>();
    if (res == Resolution.DYNAMIC) {
      List<Tensor> crops = new ArrayList<>();
      List<Tiling.Tiles> tiles = new ArrayList<>();
      for (Tensor img : images) {
        Tiling.Tiles t = Tiling.split(img, config.tile(), config.maxGrid());
        tiles.add(t);
        crops.add(t.thumbnail().unsqueeze(0));
        crops.add(t.tiles());
      }
      Tensor feats = withoutCls(vision.forward(torch.cat(new TensorVector(crops.toArray(new Tensor[0]))))); // (Σ(1+n²), L, Cv)
      long at = 0;
      for (Tiling.Tiles t : tiles) {
        int n2 = t.grid() * t.grid();
        Tensor thumb = feats.narrow(0, at, 1); // (1, L, Cv)
        Tensor tileFeats = feats.narrow(0, at + 1, n2); // (n², L, Cv)
        if (config.tilePositions()) {
          Tensor pe = torch.stack(new TensorVector(positions(t))).unsqueeze(1); // (n², 1, Cv)
          tileFeats = tileFeats.add(pe);
        }
        perImage.add(torch.cat(new TensorVector(thumb, tileFeats)).flatten(0, 1)); // ((1+n²)·L, Cv)
        at += 1 + n2;
      }
    } else {
      int side = res == Resolution.BASE ? config.baseResolution() : config.tile();
      List<Tensor> squares = new ArrayList<>();
      for (Tensor img : images) squares.add(Tiling.resize(Tiling.padToSquare(checked(img)), side).unsqueeze(0));
      Tensor feats = withoutCls(vision.forward(torch.cat(new TensorVector(squares.toArray(new Tensor[0]))))); // (B, L, Cv)
      for (int i = 0; i < images.size(); i++) perImage.add(feats.select(0, i));
    }
    if (resampler != null) {
      List<Tensor> r = new ArrayList<>();
      for (Tensor v : perImage) r.add(resampler.forward(v.unsqueeze(0)).squeeze(0)); // (R, Cv)
      perImage = r;
    }
    long m = 0;
    for (Tensor v : perImage) m = Math.max(m, v.size(0));
    Tensor visual = torch.zeros(images.size(), m, config.visionDim());
    Tensor valid = torch.zeros(images.size(), m).to(torch.ScalarType.Bool);
    List<Tensor> padded = new ArrayList<>();
    for (int i = 0; i < perImage.size(); i++) {
      Tensor v = perImage.get(i);
      long k = v.size(0);
      padded.add(k == m ? v : torch.cat(new TensorVector(v, torch.zeros(m - k, config.visionDim()))));
      valid.select(0, i).narrow(0, 0, k).fill_(new Scalar(1));
    }
    visual = torch.stack(new TensorVector(padded.toArray(new Tensor[0]))); // (B, M, Cv)
    return new Tensor[] {visual, valid};
  }

  /**
   * The ViT's tokens (crops, 1 + P, Cv) less each crop's CLS token (row 0) when {@link InfimmConfig#maskCls}:
   * dropping a key gives the cross-attention the same output as masking it, and the resampler (Tab. 7) then
   * sees the same tokens as the cross-attention does.
   */
  private Tensor withoutCls(Tensor feats) {
    return config.maskCls() ? feats.narrow(1, 1, feats.size(1) - 1) : feats;
  }

  private Tensor[] positions(Tiling.Tiles t) {
    Tensor[] pe = new Tensor[t.grid() * t.grid()];
    for (int i = 0; i < pe.length; i++) pe[i] = Tiling.positionEmbedding(t.row(i), t.col(i), config.visionDim());
    return pe;
  }

  private static Tensor checked(Tensor img) {
    if (img.dim() != 3 || img.size(0) != 3) throw new IllegalArgumentException("images must be (3, H, W), got " + java.util.Arrays.toString(img.shape()));
    return img;
  }

  /**
   * Token ids and loss targets for "<image>question\nanswer<|endofchunk|>" padded to maxText: the
   * question is masked out of the loss (−100) as in InfiMM-HD's data format. Returns {ids, targets}.
   */
  public long[][] encodeText(String question, String answer) {
    List<Long> ids = new ArrayList<>();
    ids.add((long) InfimmConfig.IMAGE_TOKEN);
    for (byte b : (question + "\n").getBytes(StandardCharsets.UTF_8)) ids.add((long) (b & 0xff));
    int answerStart = ids.size();
    if (answer != null) {
      for (byte b : answer.getBytes(StandardCharsets.UTF_8)) ids.add((long) (b & 0xff));
      ids.add((long) InfimmConfig.END_OF_CHUNK);
    }
    int t = config.maxText();
    if (ids.size() > t) throw new IllegalArgumentException("question and answer take " + ids.size() + " tokens; at most " + t + " fit");
    long[] in = new long[t], tg = new long[t];
    java.util.Arrays.fill(in, InfimmConfig.PAD);
    java.util.Arrays.fill(tg, -100);
    for (int i = 0; i < ids.size(); i++) in[i] = ids.get(i);
    for (int i = answerStart - 1; i < ids.size() - 1 && answer != null; i++) tg[i] = ids.get(i + 1);
    return new long[][] {in, tg};
  }

  /** Greedy answer to a question about one image (3, H, W). */
  public String answer(Tensor image, String question, Resolution res, int maxNew) {
    try (NoGradGuard ng = new NoGradGuard()) {
      Tensor[] vis = encodeImages(List.of(image), res);
      List<Long> ids = new ArrayList<>();
      for (long x : encodeText(question, null)[0]) if (x != InfimmConfig.PAD) ids.add(x);
      StringBuilder out = new StringBuilder();
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      for (int s = 0; s < maxNew && ids.size() < config.maxText(); s++) {
        Tensor x = Tensor.create(ids.stream().mapToLong(Long::longValue).toArray()).unsqueeze(0);
        Tensor logits = lm.forward(x, vis[0], vis[0].size(1), vis[1]); // (1, T, V)
        long next = logits.select(1, ids.size() - 1).argmax().item_long();
        if (next >= 256) break;
        bytes.write((int) next);
        ids.add(next);
      }
      out.append(bytes.toString(StandardCharsets.UTF_8));
      return out.toString();
    }
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("vision_model", vision);
    lm.namedParameters().forEach((k, v) -> p.add("language_model." + k, v));
    if (resampler != null) p.add("perceiver", resampler);
    return p.map();
  }

  /** Saves config.json, model.safetensors and papers4j.json (atomically). */
  public void save(Path dir, Map<String, Object> info) {
    ModelDirectory.save(dir, config, namedParameters(), "infimm-hd", info);
  }

  /** Loads a directory written by {@link #save}; {@code override} replaces its config when not null. */
  public static InfimmModel load(Path dir, InfimmConfig override) {
    InfimmConfig c = ModelDirectory.readConfig(dir, InfimmConfig.class, "an InfiMM-HD model", "train one with 'papers4j infimm train'");
    Path weights = ModelDirectory.weightsFile(dir);
    InfimmConfig use = override == null ? c : override;
    InfimmModel m = new InfimmModel(use, 0);
    Map<String, Tensor> src = new LinkedHashMap<>(ModelDirectory.readWeights(dir));
    Map<String, Tensor> mine = m.namedParameters();
    src.keySet().retainAll(mine.keySet()); // a variant (resampler) may add tensors the source lacks
    try (NoGradGuard ng = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : src.entrySet()) {
        Tensor dst = mine.get(e.getKey());
        if (!java.util.Arrays.equals(dst.shape(), e.getValue().shape())) {
          throw new IllegalArgumentException(weights + ": tensor " + e.getKey() + " has shape " + java.util.Arrays.toString(e.getValue().shape())
              + ", the model expects " + java.util.Arrays.toString(dst.shape()));
        }
        dst.copy_(e.getValue());
      }
    }
    return m;
  }
}
