/**
 * Rectified-flow transformers (SD3, arXiv 2403.03206): the DiT, DiT-LLaMA, MM-DiT, CrossDiT and U-ViT
 * backbones with class or caption conditioning, their diffusers-named checkpoints, training,
 * sampling and the reproduction.
 */
package io.papers4j.vision.flow;
