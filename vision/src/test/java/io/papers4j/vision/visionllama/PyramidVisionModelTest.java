package io.papers4j.vision.visionllama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.nn.Attention;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.pos.GridPositions;
import io.papers4j.core.nn.pos.GridRope;
import io.papers4j.core.nn.pos.PositionRule;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pyramid VisionLLaMA and experiment 1C of the spec (unit checks, no accuracy claim). */
class PyramidVisionModelTest {
  @BeforeAll
  static void init() {
    Engine.init(1);
    Engine.seed(11);
  }

  private static double[] column(Tensor pos, int col) {
    Tensor c = pos.select(1, col).contiguous();
    double[] out = new double[(int) c.numel()];
    for (int i = 0; i < out.length; i++) out[i] = c.get(i).item_double();
    return out;
  }

  @Test
  void gsaKeysSitAtWindowCentresAndTheCodeVariantDiffers() {
    // Fig. 5: a 4×4 map summarised by a 2×2 conv → key coordinates 0.5 and 2.5 on both axes
    Tensor k = PyramidPositions.keys(4, 4, 2, "paper", 1, 1);
    assertThat(column(k, 0)).containsExactly(0.5, 0.5, 2.5, 2.5);
    assertThat(column(k, 1)).containsExactly(0.5, 2.5, 0.5, 2.5);
    // 1C: 16×16 with sr 4 → centres 1.5, 5.5, 9.5, 13.5
    Tensor k16 = PyramidPositions.keys(16, 16, 4, "paper", 1, 1);
    assertThat(k16.size(0)).isEqualTo(16);
    assertThat(column(k16, 0)).containsExactly(1.5, 1.5, 1.5, 1.5, 5.5, 5.5, 5.5, 5.5, 9.5, 9.5, 9.5, 9.5, 13.5, 13.5, 13.5, 13.5);
    assertThat(column(k16, 1)).containsExactly(1.5, 5.5, 9.5, 13.5, 1.5, 5.5, 9.5, 13.5, 1.5, 5.5, 9.5, 13.5, 1.5, 5.5, 9.5, 13.5);
    // the official code: sr·idx + 1 − 1/sr with the full width 16 as row length → one row at y = 0.75
    Tensor c16 = PyramidPositions.keys(16, 16, 4, "code", 1, 1);
    double[] y = column(c16, 0);
    double[] x = column(c16, 1);
    for (int f = 0; f < 16; f++) {
      assertThat(y[f]).isEqualTo(0.75);
      assertThat(x[f]).isEqualTo(0.75 + 4 * f);
    }
    assertThat(c16.equal(k16)).isFalse();
    // for sr = 2 the code's offset 1 − 1/2 is the centre, but the wrap with W still misplaces later rows
    Tensor c4 = PyramidPositions.keys(4, 4, 2, "code", 1, 1);
    assertThat(column(c4, 0)).containsExactly(0.5, 0.5, 0.5, 0.5);
    assertThat(column(c4, 1)).containsExactly(0.5, 2.5, 4.5, 6.5);
    // with sr = 1 both placements are the plain grid
    assertThat(PyramidPositions.keys(5, 3, 1, "code", 1, 1).equal(PyramidPositions.keys(5, 3, 1, "paper", 1, 1))).isTrue();
    assertThat(PyramidPositions.keys(5, 3, 1, "paper", 1, 1).equal(PyramidPositions.queries(5, 3, 1, 1))).isTrue();
  }

  /** Plain global attention with 2D RoPE on the unscaled grid, sharing the projections of the layer under test. */
  private static Tensor globalAttention(Linear q, Linear k, Linear v, Linear o, int dim, int heads, Tensor x, int h, int w) {
    Attention ref = new Attention(new Attention.Config(dim, heads, heads, dim / heads, true, false, 0),
        new GridRope(GridRope.Kind.ROPE_2D, dim / heads, 10000), Init.normal(0, 0.02)).kernel(Attention.Kernel.NAIVE);
    try (NoGradGuard g = new NoGradGuard()) {
      copy(ref.qProj, q);
      copy(ref.kProj, k);
      copy(ref.vProj, v);
      copy(ref.oProj, o);
      return ref.forward(x, GridPositions.of(GridRope.Kind.ROPE_2D, h, w, 1, 1, false));
    }
  }

  private static void copy(Linear to, Linear from) {
    to.weight.copy_(from.weight);
    to.bias.copy_(from.bias);
  }

  private static double maxDiff(Tensor a, Tensor b) {
    return a.sub(b).abs().max().item_double();
  }

  @Test
  void lsaWithOneWindowOverTheWholeMapIsGlobalAttention() {
    int dim = 32;
    int heads = 2;
    try (NoGradGuard g = new NoGradGuard()) {
      LocallyGroupedAttention lsa = new LocallyGroupedAttention(dim, heads, 8, 10000, Init.normal(4, 0.2));
      Tensor x = torch.randn(2, 64, dim);
      Tensor ref = globalAttention(lsa.qProj, lsa.kProj, lsa.vProj, lsa.oProj, dim, heads, x, 8, 8);
      assertThat(maxDiff(lsa.forward(x, 8, 8), ref)).isLessThan(1e-5);
      // a 5×5 map padded to one 8×8 window: the mask keeps padding out, so still global attention on 5×5
      Tensor x5 = torch.randn(2, 25, dim);
      Tensor ref5 = globalAttention(lsa.qProj, lsa.kProj, lsa.vProj, lsa.oProj, dim, heads, x5, 5, 5);
      assertThat(maxDiff(lsa.forward(x5, 5, 5), ref5)).isLessThan(1e-5);
    }
  }

  @Test
  void lsaWithSmallerWindowsOnlyMixesTokensInsideEachWindow() {
    int dim = 32;
    try (NoGradGuard g = new NoGradGuard()) {
      LocallyGroupedAttention lsa = new LocallyGroupedAttention(dim, 1, 4, 10000, Init.normal(5, 0.2));
      Tensor x = torch.randn(1, 64, dim); // 8×8 map, four 4×4 windows
      Tensor y = lsa.forward(x, 8, 8);
      Tensor x2 = x.clone();
      x2.select(1, 63).add_(torch.randn(dim)); // token (7, 7): bottom-right window only
      Tensor y2 = lsa.forward(x2, 8, 8);
      assertThat(maxDiff(y.select(1, 0), y2.select(1, 0))).isLessThan(1e-6); // (0, 0): top-left window
      assertThat(maxDiff(y.select(1, 36), y2.select(1, 36))).isGreaterThan(1e-4); // (4, 4): same window as (7, 7)
      // windows are translation-equivalent: window-local RoPE gives the same function in every window
      Tensor ref = globalAttention(lsa.qProj, lsa.kProj, lsa.vProj, lsa.oProj, dim, 1,
          x.view(1, 8, 8, dim).narrow(1, 4, 4).narrow(2, 4, 4).reshape(1, 16, dim), 4, 4);
      Tensor win = y.view(1, 8, 8, dim).narrow(1, 4, 4).narrow(2, 4, 4).reshape(1, 16, dim);
      assertThat(maxDiff(win, ref)).isLessThan(1e-5);
      // 6×6 map: padded to 8×8, output only for the 36 real tokens
      assertThat(lsa.forward(torch.randn(3, 36, dim), 6, 6).shape()).containsExactly(3, 36, dim);
    }
  }

  @Test
  void gsaWithSubsamplingRatioOneIsGlobalAttentionForBothKeyPlacements() {
    int dim = 32;
    int heads = 2;
    try (NoGradGuard g = new NoGradGuard()) {
      GlobalSubsampledAttention gsa = new GlobalSubsampledAttention(dim, heads, 1, Init.normal(6, 0.2));
      GridRope rope = new GridRope(GridRope.Kind.ROPE_2D, dim / heads, 10000);
      Tensor x = torch.randn(2, 48, dim); // 6×8 map
      Tensor ref = globalAttention(gsa.qProj, gsa.kProj, gsa.vProj, gsa.oProj, dim, heads, x, 6, 8);
      for (String placement : new String[] {"paper", "code"}) {
        Tensor y = gsa.forward(x, 6, 8, rope, PyramidPositions.queries(6, 8, 1, 1), PyramidPositions.keys(6, 8, 1, placement, 1, 1));
        assertThat(maxDiff(y, ref)).as(placement).isLessThan(1e-5);
      }
      assertThat(gsa.namedParameters()).doesNotContainKey("sr.weight");
    }
  }

  @Test
  void gsaSubsamplesKeysWithAStridedConvAndKeyPlacementMatters() {
    int dim = 32;
    try (NoGradGuard g = new NoGradGuard()) {
      GlobalSubsampledAttention gsa = new GlobalSubsampledAttention(dim, 1, 4, Init.normal(7, 0.2));
      assertThat(gsa.namedParameters().get("sr.weight").shape()).containsExactly(dim, dim, 4, 4);
      assertThat(gsa.namedParameters()).containsKey("norm.weight");
      GridRope rope = new GridRope(GridRope.Kind.ROPE_2D, dim, 10000);
      Tensor x = torch.randn(2, 256, dim); // 16×16 map → 16 keys
      Tensor q = PyramidPositions.queries(16, 16, 1, 1);
      Tensor paper = gsa.forward(x, 16, 16, rope, q, PyramidPositions.keys(16, 16, 4, "paper", 1, 1));
      Tensor code = gsa.forward(x, 16, 16, rope, q, PyramidPositions.keys(16, 16, 4, "code", 1, 1));
      assertThat(paper.shape()).containsExactly(2, 256, dim);
      assertThat(maxDiff(paper, code)).isGreaterThan(1e-4);
    }
  }

  @Test
  void everyPyramidVariantClassifiesEveryResolution() {
    PyramidConfig fm = PyramidConfig.fashionMnist();
    PyramidConfig[] variants = {fm, fm.withKeyPlacement("code"), fm.withAutoScaleBase(7), fm.withLayerScale(1e-4)};
    for (PyramidConfig c : variants) {
      PyramidVisionModel m = new PyramidVisionModel(c, 1);
      for (PositionRule rule : PositionRule.values()) {
        m.positionRule(rule);
        for (int res : new int[] {28, 44, 56}) {
          try (NoGradGuard g = new NoGradGuard()) {
            Tensor logits = m.forward(torch.randn(2, 1, res, res));
            assertThat(logits.shape()).as(c.keyPlacement() + " " + rule + " at " + res).containsExactly(2, 10);
            assertThat(logits.isfinite().all().item_bool()).isTrue();
          }
        }
      }
    }
    // experiment 1C: 32×32, patch 2 → 16×16 then 8×8 tokens, ws 4, sr [4, 1]
    PyramidVisionModel c1 = new PyramidVisionModel(PyramidConfig.experiment1C(), 2);
    assertThat(PyramidConfig.experiment1C().stageGrid(0, 32)).isEqualTo(16);
    assertThat(PyramidConfig.experiment1C().stageGrid(1, 32)).isEqualTo(8);
    assertThat(c1.namedParameters().get("blocks.0.1.attn.sr.weight").shape()).containsExactly(32, 32, 4, 4);
    assertThat(c1.namedParameters()).doesNotContainKey("blocks.1.1.attn.sr.weight").containsKey("patch_embeds.1.norm.weight");
    try (NoGradGuard g = new NoGradGuard()) {
      for (int res : new int[] {32, 48, 64}) {
        assertThat(c1.forward(torch.randn(1, 1, res, res)).shape()).containsExactly(1, 10);
      }
    }
  }

  @Test
  void autoScaleEqualsUnscaledAtTheTrainingResolutionOnly() {
    PyramidVisionModel m = new PyramidVisionModel(PyramidConfig.fashionMnist(), 3);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor x = torch.randn(2, 1, 28, 28);
      Tensor as = m.positionRule(PositionRule.AUTO_SCALE).forward(x);
      assertThat(as.equal(m.positionRule(PositionRule.UNSCALED).forward(x))).isTrue();
      Tensor big = torch.randn(1, 1, 56, 56);
      Tensor a56 = m.positionRule(PositionRule.AUTO_SCALE).forward(big);
      Tensor u56 = m.positionRule(PositionRule.UNSCALED).forward(big);
      assertThat(maxDiff(a56, u56)).isGreaterThan(0.0);
    }
    // AS2DRoPE halves GSA coordinates at 2× the resolution (stage 0: 14 → 28 tokens)
    PyramidVisionModel.StagePositions sp = m.positionRule(PositionRule.AUTO_SCALE).stagePositions(0, 28, 28);
    assertThat(column(sp.q(), 1)[27]).isEqualTo(13.5);
    assertThat(column(sp.k(), 1)[1]).isEqualTo((2 + 0.5) * 0.5); // centre 2.5 of the second 2×2 window, × 14/28
    // the code's auto_scale: s = base / H at every stage, so also at the training resolution
    PyramidVisionModel code = new PyramidVisionModel(PyramidConfig.fashionMnist().withAutoScaleBase(14), 3);
    assertThat(column(code.stagePositions(1, 7, 7).q(), 1)[1]).isEqualTo(2.0);
  }

  @Test
  void oneTrainingStepGivesAFiniteLossAndMovesEveryStage() {
    PyramidVisionModel m = new PyramidVisionModel(PyramidConfig.fashionMnist(), 2);
    AdamW opt = new AdamW(m.namedParameters(), AdamConfig.torchDefaults(1e-2));
    Map<String, Tensor> p = m.namedParameters();
    String[] watched = {"head.weight", "blocks.0.0.attn.q_proj.weight", "blocks.0.1.attn.sr.weight", "blocks.1.1.attn.k_proj.weight",
        "patch_embeds.1.proj.weight"};
    Tensor[] before = new Tensor[watched.length];
    for (int i = 0; i < watched.length; i++) before[i] = p.get(watched[i]).clone();
    opt.zeroGrad();
    Tensor loss = m.loss(torch.randn(4, 1, 28, 28), Tensor.create(new long[] {0, 3, 7, 9}));
    loss.backward();
    opt.step();
    assertThat(loss.item_double()).isBetween(1.0, 5.0); // ≈ ln 10 at init
    for (int i = 0; i < watched.length; i++) assertThat(p.get(watched[i]).equal(before[i])).as(watched[i]).isFalse();
  }

  @Test
  void oneDPositionsFlattenTheGridRowMajor() {
    // window-local (i, j) of a 3×3 window → i·3 + j, the same at every resolution
    Tensor w = PyramidPositions.flatten(PyramidPositions.window(3), 3);
    assertThat(column(w, 0)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(column(w, 1)).containsOnly(0.0);
    // the 1D model's GSA at the 2× stage-0 map (28×28, sr 2): queries i·28 + j; key (0, 1) sits at centre (0.5, 2.5) → 16.5
    PyramidVisionModel m = new PyramidVisionModel(PyramidConfig.fashionMnist().withRope("1d"), 3);
    for (PositionRule rule : PositionRule.values()) { // no auto-scale for 1D: every rule uses the same flat index
      PyramidVisionModel.StagePositions sp = m.positionRule(rule).stagePositions(0, 28, 28);
      assertThat(sp.rope().kind()).isEqualTo(GridRope.Kind.ROPE_1D);
      assertThat(column(sp.q(), 0)[28]).as(rule.name()).isEqualTo(28.0);
      assertThat(column(sp.q(), 0)[29]).isEqualTo(29.0);
      assertThat(column(sp.k(), 0)[1]).isEqualTo(16.5);
      assertThat(column(sp.k(), 1)).containsOnly(0.0);
      assertThat(sp.rope().theta()).isEqualTo(rule == PositionRule.NTK ? 20000.0 : 10000.0);
    }
  }

  @Test
  void oneDLsaWithOneWindowIsGlobalAttentionWithOneDRope() {
    int dim = 32;
    int heads = 2;
    try (NoGradGuard g = new NoGradGuard()) {
      LocallyGroupedAttention lsa = new LocallyGroupedAttention(dim, heads, 8, GridRope.Kind.ROPE_1D, 10000, Init.normal(4, 0.2));
      Attention ref = new Attention(new Attention.Config(dim, heads, heads, dim / heads, true, false, 0),
          new GridRope(GridRope.Kind.ROPE_1D, dim / heads, 10000), Init.normal(0, 0.02)).kernel(Attention.Kernel.NAIVE);
      copy(ref.qProj, lsa.qProj);
      copy(ref.kProj, lsa.kProj);
      copy(ref.vProj, lsa.vProj);
      copy(ref.oProj, lsa.oProj);
      Tensor x = torch.randn(2, 64, dim);
      // the flat index i·8 + j of an 8×8 map is the window-local 1D index when the window covers the map
      Tensor expected = ref.forward(x, GridPositions.of(GridRope.Kind.ROPE_1D, 8, 8, 1, 1, false));
      assertThat(maxDiff(lsa.forward(x, 8, 8), expected)).isLessThan(1e-5);
      // and differs from the 2D LSA with the same weights
      LocallyGroupedAttention lsa2d = new LocallyGroupedAttention(dim, heads, 8, 10000, Init.normal(4, 0.2));
      assertThat(maxDiff(lsa2d.forward(x, 8, 8), expected)).isGreaterThan(1e-4);
    }
  }

  @Test
  void oneDPyramidClassifiesEveryResolutionAndRoundTrips(@TempDir Path dir) throws Exception {
    PyramidVisionModel m = new PyramidVisionModel(PyramidConfig.fashionMnist().withRope("1d"), 4);
    PyramidVisionModel m2d = new PyramidVisionModel(PyramidConfig.fashionMnist(), 4); // same seed, same weights
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor x = torch.randn(2, 1, 28, 28);
      Tensor at28 = m.positionRule(PositionRule.UNSCALED).forward(x);
      assertThat(m.positionRule(PositionRule.AUTO_SCALE).forward(x).equal(at28)).isTrue();
      assertThat(maxDiff(m2d.forward(x), at28)).isGreaterThan(0.0); // the table, not the weights, differs
      for (PositionRule rule : PositionRule.values()) {
        m.positionRule(rule);
        for (int res : new int[] {28, 44, 56, 64}) {
          Tensor logits = m.forward(torch.randn(2, 1, res, res));
          assertThat(logits.shape()).as(rule + " at " + res).containsExactly(2, 10);
          assertThat(logits.isfinite().all().item_bool()).isTrue();
        }
      }
    }
    m.positionRule(PositionRule.UNSCALED);
    Path out = dir.resolve("pyr1d");
    VisionCheckpoint.save(out, m, Map.of("step", 0));
    assertThat(Files.readString(out.resolve("config.json"))).contains("\"rope\" : \"1d\"");
    ImageClassifier back = VisionCheckpoint.load(out);
    assertThat(((PyramidConfig) back.config()).rope()).isEqualTo("1d");
    // a checkpoint written before the 1D variant (no "rope" key) loads as 2D
    Path old = dir.resolve("pyr-old");
    VisionCheckpoint.save(old, m2d, Map.of("step", 0));
    Path cfg = old.resolve("config.json");
    Files.writeString(cfg, Files.readString(cfg).replaceAll("\\s*\"rope\" : \"2d\",", ""));
    assertThat(Files.readString(cfg)).doesNotContain("\"rope\"");
    ImageClassifier oldBack = VisionCheckpoint.load(old);
    assertThat(((PyramidConfig) oldBack.config()).rope()).isEqualTo("2d");
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor x = torch.randn(2, 1, 28, 28);
      assertThat(back.forward(x).equal(m.forward(x))).isTrue();
      assertThat(oldBack.forward(x).equal(m2d.forward(x))).isTrue();
    }
    assertThatThrownBy(() -> PyramidConfig.fashionMnist().withRope("3d")).hasMessageContaining("rope must be 2d or 1d");
  }

  @Test
  void scaledWindowsAreTheIdentityAtTheTrainingResolutionAndGrowWithTheGrid() {
    PyramidVisionModel m = new PyramidVisionModel(PyramidConfig.fashionMnist(), 5);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor x = torch.randn(2, 1, 28, 28);
      Tensor fixed = m.scaleWindows(false).forward(x);
      assertThat(m.scaleWindows(true).forward(x).equal(fixed)).isTrue();
      Tensor big = torch.randn(1, 1, 56, 56);
      assertThat(maxDiff(m.scaleWindows(true).forward(big), m.scaleWindows(false).forward(big))).isGreaterThan(0.0);
    }
    // window side ws·H/H_train per stage: 44 px → 22 and 11 tokens → 11; 56 px → 14; 64 px → 32 and 16 → 16
    m.scaleWindows(true);
    assertThat(m.stagePositions(0, 22, 22).window()).isEqualTo(11);
    assertThat(m.stagePositions(1, 11, 11).window()).isEqualTo(11);
    assertThat(m.stagePositions(0, 28, 28).window()).isEqualTo(14);
    assertThat(m.stagePositions(1, 16, 16).window()).isEqualTo(16);
    assertThat(m.scaleWindows(false).stagePositions(0, 28, 28).window()).isEqualTo(7);
    int dim = 32;
    try (NoGradGuard g = new NoGradGuard()) {
      LocallyGroupedAttention lsa = new LocallyGroupedAttention(dim, 1, 4, 10000, Init.normal(5, 0.2));
      Tensor x = torch.randn(1, 64, dim); // 8×8 map
      assertThat(lsa.forward(x, 8, 8, 4).equal(lsa.forward(x, 8, 8))).isTrue();
      // one 8×8 window: token (7, 7) now reaches token (0, 0)
      Tensor x2 = x.clone();
      x2.select(1, 63).add_(torch.randn(dim));
      assertThat(maxDiff(lsa.forward(x, 8, 8, 8).select(1, 0), lsa.forward(x2, 8, 8, 8).select(1, 0))).isGreaterThan(1e-4);
      // its coordinates are the trained window's range: global attention with 2D RoPE on (i, j) × 4/8
      Attention ref = new Attention(new Attention.Config(dim, 1, 1, dim, true, false, 0), new GridRope(GridRope.Kind.ROPE_2D, dim, 10000),
          Init.normal(0, 0.02)).kernel(Attention.Kernel.NAIVE);
      copy(ref.qProj, lsa.qProj);
      copy(ref.kProj, lsa.kProj);
      copy(ref.vProj, lsa.vProj);
      copy(ref.oProj, lsa.oProj);
      Tensor expected = ref.forward(x, GridPositions.of(GridRope.Kind.ROPE_2D, 8, 8, 0.5, 0.5, false));
      assertThat(maxDiff(lsa.forward(x, 8, 8, 8), expected)).isLessThan(1e-5);
    }
  }

  @Test
  void checkpointRoundTripsAndBadInputsFailClearly(@TempDir Path dir) throws Exception {
    PyramidVisionModel m = new PyramidVisionModel(PyramidConfig.fashionMnist().withKeyPlacement("code"), 9);
    Path out = dir.resolve("pyr");
    VisionCheckpoint.save(out, m, Map.of("step", 0));
    assertThat(Files.readString(out.resolve("config.json"))).contains("\"arch\" : \"pyramid\"").contains("\"code\"");
    ImageClassifier back = VisionCheckpoint.load(out);
    assertThat(back).isInstanceOf(PyramidVisionModel.class);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor x = torch.randn(2, 1, 28, 28);
      assertThat(back.forward(x).equal(m.forward(x))).isTrue();
    }
    assertThatThrownBy(() -> m.forward(torch.randn(1, 1, 2, 2))).hasMessageContaining("smaller than its sr_ratio");
    assertThatThrownBy(() -> m.forward(torch.randn(1, 3, 28, 28))).hasMessageContaining("(B, 1, H, W)");
    assertThatThrownBy(() -> PyramidConfig.fashionMnist().withKeyPlacement("centre")).hasMessageContaining("key_placement");
    assertThatThrownBy(() -> PyramidConfig.fashionMnist().withStages(new int[] {32, 64}, new int[] {2, 2}, new int[] {3, 2}, 7, new int[] {2, 1}))
        .hasMessageContaining("not divisible by heads");
  }
}
