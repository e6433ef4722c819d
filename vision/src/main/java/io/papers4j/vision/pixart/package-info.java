/**
 * PixArt-Σ (arXiv 2403.04692): the PixArt DiT with adaLN-single and cross-attention to frozen
 * MiniLM caption tokens, key/value token compression (conv 2×2 with average or random init, token
 * discarding, average pooling) per layer, weak-to-strong transfer (PE interpolation, new latent
 * space, longer captions), training, sampling, checkpoints with the official names and the
 * reproduction in two parts: spec 4(e) and the weak-to-strong adaptation curves.
 */
package io.papers4j.vision.pixart;
