/**
 * Conditioning layers for generative backbones (DiT, MM-DiT, PixArt, UNets): the sinusoidal
 * timestep embedding and its MLP ({@link TimestepEmbedding}) and adaLN-Zero modulation
 * ({@link AdaLnZero}). Tensor names follow diffusers.
 */
package io.papers4j.core.nn.cond;
