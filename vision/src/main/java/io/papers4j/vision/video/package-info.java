/**
 * AtomoVideo (arXiv 2403.01800): image-to-video on a frozen image UNet of {@code core.nn.unet} with
 * zero-initialised temporal layers, image injection by concatenation and semantic cross-attention,
 * zero terminal SNR + v-prediction, iterative frame prediction; moving-sprite / moving-MNIST data with
 * exact trajectories, GIF and strip output, and the §6(e) reproduction. Imports {@code core} only.
 */
package io.papers4j.vision.video;
