package io.papers4j.lm.posgen;

/**
 * The PosGen decoder: a decoder-only stack of T5-small blocks (Resonance RoPE §6.1.1, App. C.1).
 *
 * @param vocabSize M + 5 (numbers and the repo's five special tokens)
 * @param layers decoder blocks (2 in the paper; the repo's sweep config builds 6)
 * @param dModel width (512 T5-small; 128 quick)
 * @param heads attention heads (8; 2 quick)
 * @param dKv head dimension (64 both: keeps the 32 rotary pairs and their critical dimension)
 * @param dFf ReLU feed-forward width (2048; 512 quick)
 * @param dropout residual dropout (0.1, T5)
 * @param eps RMSNorm ε (1e-6, T5)
 */
public record PosGenModelConfig(
    int vocabSize, int layers, int dModel, int heads, int dKv, int dFf, double dropout, double eps) {
  public PosGenModelConfig {
    if (vocabSize <= 0 || layers <= 0 || dModel <= 0 || heads <= 0 || dKv <= 0 || dFf <= 0)
      throw new IllegalArgumentException("PosGen model sizes must be positive");
    if (dKv % 2 != 0) throw new IllegalArgumentException("d_kv must be even for RoPE, got " + dKv);
    if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("dropout must be in [0, 1)");
  }

  /** The paper's 2-layer T5-small decoder. */
  public static PosGenModelConfig paper(int vocabSize) {
    return new PosGenModelConfig(vocabSize, 2, 512, 8, 64, 2048, 0.1, 1e-6);
  }

  /** The spec's scaled model: same head geometry, narrower (d_model 128, 2 heads, d_ff 512). */
  public static PosGenModelConfig quick(int vocabSize) {
    return new PosGenModelConfig(vocabSize, 2, 128, 2, 64, 512, 0.1, 1e-6);
  }
}
