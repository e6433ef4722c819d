package io.papers4j.vision.flow;

import java.util.List;

/**
 * Hyperparameters of the flow backbones (defaults: the spec's toy size for 28×28 Fashion-MNIST,
 * experiments 3A and 1D: d 64, depth 6, heads 4, patch 4 → 49 tokens).
 *
 * @param arch {@code dit} (adaLN-Zero DiT; with text, the caption tokens are concatenated into the
 *     sequence: SD3's "DiT"), {@code dit-llama} (DiT with RMSNorm, SwiGLU and 2D RoPE, VisionLLaMA
 *     §4.4), {@code mmdit} (SD3's two-stream joint-attention block), {@code crossdit} (DiT plus
 *     cross-attention to the caption tokens) or {@code uvit} (U-ViT: all conditions as tokens in one
 *     sequence plus long skips between shallow and deep blocks, Bao et al. 2023)
 * @param imageSize training side in pixels (28)
 * @param channels image channels (1)
 * @param patchSize patch side (4 → 7×7 tokens at 28 px)
 * @param hiddenSize width d (64)
 * @param depth blocks (6)
 * @param numHeads heads (4, head dim 16)
 * @param mlpHidden MLP hidden size: 4d = 256 for the GELU MLP, 176 for SwiGLU (≈ parameter match)
 * @param posEmbed {@code sincos} (fixed 2D sin-cos, DiT and SD3), {@code learned} or {@code rope}
 *     (2D RoPE in attention, no absolute embedding; dit-llama only)
 * @param qkNorm per-head RMSNorm on queries and keys (SD3 §5.3.2; off by default as in SD3-medium)
 * @param conditioning {@code class} (a learned label embedding with one extra "null" row), {@code
 *     words} (a word-level caption vocabulary with learned embeddings, spec 3C) or {@code features}
 *     (token features and a pooled vector from a frozen text encoder)
 * @param numClasses classes for {@code class} (10); the null label is index numClasses
 * @param vocabSize word vocabulary for {@code words} (id 0 is padding, which also encodes the empty
 *     caption)
 * @param maxTextTokens caption length in tokens for {@code words} and {@code features}
 * @param contextDim width of a caption token (= hiddenSize for words, 384 for MiniLM features)
 * @param pooledDim width of the pooled caption vector (= contextDim)
 * @param condDropout probability of the null condition in training, for classifier-free guidance
 *     (0.1)
 * @param prediction what the network's output is, rectified flow only: {@code v} (the velocity ε −
 *     x₀ itself, SD3) or {@code x} (the clean image x̂₀, turned into the velocity (z − x̂₀)/max(σ,
 *     0.05) inside {@link FlowModel#forward}, as Li and He's JiT ("Back to Basics: Let Denoising
 *     Generative Models Denoise", 2025) do for pixel patches wider than the model can carry: a 4×4
 *     RGB patch is 48 numbers in a width-64 token)
 */
public record FlowConfig(
    String arch,
    int imageSize,
    int channels,
    int patchSize,
    int hiddenSize,
    int depth,
    int numHeads,
    int mlpHidden,
    String posEmbed,
    boolean qkNorm,
    String conditioning,
    int numClasses,
    int vocabSize,
    int maxTextTokens,
    int contextDim,
    int pooledDim,
    double condDropout,
    String prediction) {

  public static final List<String> ARCHS = List.of("dit", "dit-llama", "mmdit", "crossdit", "uvit");

  /** Clean-image predictions are turned into velocities with σ no smaller than this (JiT's clip). */
  public static final double X_PREDICTION_MIN_SIGMA = 0.05;

  public FlowConfig {
    if (prediction == null) prediction = "v"; // checkpoints written before the field existed
    require(prediction.equals("v") || prediction.equals("x"), "prediction must be v or x, got " + prediction);
    require(ARCHS.contains(arch), "arch must be one of " + ARCHS + ", got " + arch);
    require(List.of("sincos", "learned", "rope").contains(posEmbed), "pos_embed must be sincos, learned or rope, got " + posEmbed);
    require(posEmbed.equals("rope") == arch.equals("dit-llama"), "dit-llama uses pos_embed rope and only it does, got " + arch + " with " + posEmbed);
    require(List.of("class", "words", "features").contains(conditioning), "conditioning must be class, words or features, got " + conditioning);
    require(imageSize >= 1 && patchSize >= 1 && imageSize % patchSize == 0,
        "image_size " + imageSize + " must be a positive multiple of patch_size " + patchSize);
    require(channels >= 1, "channels must be >= 1, got " + channels);
    require(hiddenSize >= 1 && numHeads >= 1 && hiddenSize % numHeads == 0,
        "hidden_size " + hiddenSize + " must be a positive multiple of num_heads " + numHeads);
    require(!posEmbed.equals("rope") || (hiddenSize / numHeads) % 4 == 0, "2D RoPE needs a head dim divisible by 4");
    require(!posEmbed.equals("sincos") || hiddenSize % 4 == 0, "2D sin-cos embedding needs hidden_size divisible by 4");
    require(depth >= 1 && mlpHidden >= 1, "depth and mlp_hidden must be >= 1");
    require(!arch.equals("uvit") || depth % 2 == 1, "uvit needs an odd depth (in-blocks, a middle block, out-blocks), got " + depth);
    require(!conditioning.equals("class") || numClasses >= 2, "class conditioning needs num_classes >= 2");
    require(!conditioning.equals("words") || vocabSize >= 2, "words conditioning needs vocab_size >= 2");
    require(conditioning.equals("class") || (maxTextTokens >= 1 && contextDim >= 1 && pooledDim >= 1),
        "text conditioning needs max_text_tokens, context_dim and pooled_dim >= 1");
    require(!conditioning.equals("words") || pooledDim == contextDim, "words conditioning pools its token embeddings: pooled_dim = context_dim");
    require(condDropout >= 0 && condDropout < 1, "cond_dropout must be in [0, 1), got " + condDropout);
  }

  /** A velocity-predicting model ({@code prediction} v). */
  public FlowConfig(String arch, int imageSize, int channels, int patchSize, int hiddenSize, int depth, int numHeads, int mlpHidden,
      String posEmbed, boolean qkNorm, String conditioning, int numClasses, int vocabSize, int maxTextTokens, int contextDim, int pooledDim,
      double condDropout) {
    this(arch, imageSize, channels, patchSize, hiddenSize, depth, numHeads, mlpHidden, posEmbed, qkNorm, conditioning, numClasses, vocabSize,
        maxTextTokens, contextDim, pooledDim, condDropout, "v");
  }

  /** The spec's class-conditional Fashion-MNIST model for {@code arch}. */
  public static FlowConfig fashionMnist(String arch) {
    boolean llama = arch.equals("dit-llama");
    int depth = arch.equals("uvit") ? 7 : 6;
    return new FlowConfig(arch, 28, 1, 4, 64, depth, 4, llama ? 176 : 256, llama ? "rope" : "sincos", false,
        "class", 10, 0, 0, 0, 0, 0.1);
  }

  /** A word-caption model (spec 3C) for images of {@code size}×{@code size}×{@code channels}. */
  public static FlowConfig captions(String arch, int size, int channels, int patch, int vocab, int maxTokens) {
    boolean llama = arch.equals("dit-llama");
    int depth = arch.equals("uvit") ? 7 : 6;
    return new FlowConfig(arch, size, channels, patch, 64, depth, 4, llama ? 176 : 256, llama ? "rope" : "sincos", false,
        "words", 0, vocab, maxTokens, 64, 64, 0.1);
  }

  /** A caption model reading frozen text-encoder features of width {@code dim} (384 for MiniLM), {@code maxTokens} tokens. */
  public static FlowConfig encoded(String arch, int size, int channels, int patch, int dim, int maxTokens) {
    boolean llama = arch.equals("dit-llama");
    int depth = arch.equals("uvit") ? 7 : 6;
    return new FlowConfig(arch, size, channels, patch, 64, depth, 4, llama ? 176 : 256, llama ? "rope" : "sincos", false,
        "features", 0, 0, maxTokens, dim, dim, 0.1);
  }

  public FlowConfig withSize(int hidden, int layers, int heads, int mlp) {
    return new FlowConfig(arch, imageSize, channels, patchSize, hidden, layers, heads, mlp, posEmbed, qkNorm,
        conditioning, numClasses, vocabSize, maxTextTokens, conditioning.equals("words") ? hidden : contextDim,
        conditioning.equals("words") ? hidden : pooledDim, condDropout, prediction);
  }

  public FlowConfig withImage(int size, int patch) {
    return new FlowConfig(arch, size, channels, patch, hiddenSize, depth, numHeads, mlpHidden, posEmbed, qkNorm,
        conditioning, numClasses, vocabSize, maxTextTokens, contextDim, pooledDim, condDropout, prediction);
  }

  /** The same model on inputs of {@code ch} channels (an autoencoder's latent channels). */
  public FlowConfig withChannels(int ch) {
    return new FlowConfig(arch, imageSize, ch, patchSize, hiddenSize, depth, numHeads, mlpHidden, posEmbed, qkNorm,
        conditioning, numClasses, vocabSize, maxTextTokens, contextDim, pooledDim, condDropout, prediction);
  }

  public FlowConfig withQkNorm(boolean on) {
    return new FlowConfig(arch, imageSize, channels, patchSize, hiddenSize, depth, numHeads, mlpHidden, posEmbed, on,
        conditioning, numClasses, vocabSize, maxTextTokens, contextDim, pooledDim, condDropout, prediction);
  }

  public FlowConfig withPosEmbed(String pe) {
    return new FlowConfig(arch, imageSize, channels, patchSize, hiddenSize, depth, numHeads, mlpHidden, pe, qkNorm,
        conditioning, numClasses, vocabSize, maxTextTokens, contextDim, pooledDim, condDropout, prediction);
  }

  /** The same model predicting {@code p}: v (the velocity) or x (the clean image). */
  public FlowConfig withPrediction(String p) {
    return new FlowConfig(arch, imageSize, channels, patchSize, hiddenSize, depth, numHeads, mlpHidden, posEmbed, qkNorm,
        conditioning, numClasses, vocabSize, maxTextTokens, contextDim, pooledDim, condDropout, p);
  }

  public int headDim() {
    return hiddenSize / numHeads;
  }

  /** Tokens per side at the training resolution. */
  public int grid() {
    return imageSize / patchSize;
  }

  /** Whether the model reads caption tokens (otherwise a class label). */
  public boolean text() {
    return !conditioning.equals("class");
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("flow config: " + message);
  }
}
