/**
 * UNet blocks for latent-diffusion models (the try-on and video papers), with diffusers' tensor
 * names so checkpoints line up with {@code UNet2DConditionModel}: {@link ResnetBlock2D} (GroupNorm,
 * SiLU, 3×3 convs, time-embedding projection, 1×1 shortcut), {@link Downsample2D} / {@link
 * Upsample2D}, {@link Transformer2DModel} with {@link BasicTransformerBlock}s (self-attention,
 * cross-attention to a context with an optional padding mask, GEGLU feed-forward), and a small
 * {@link UNet2DConditionModel} (down, mid and up blocks with skip connections, ControlNet-style
 * additional residuals, diffusers' {@code config.json}). Uses {@code
 * core.nn} and {@code core.nn.cond} only.
 */
package io.papers4j.core.nn.unet;
