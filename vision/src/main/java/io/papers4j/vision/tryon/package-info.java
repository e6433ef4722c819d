/**
 * OOTDiffusion (arXiv 2403.01779): virtual try-on with an outfitting UNet, outfitting fusion in the
 * denoiser's self-attention, outfitting dropout and garment-only guidance, with training code; the
 * procedural person + garment data, the global-embedding and channel-concatenation baselines, the
 * metrics and the reproduction.
 */
package io.papers4j.vision.tryon;
