/** ViT / LLaMA-style vision pieces: the pre-norm vision block, patch embedding and unpatchify, and image input checks. */
package io.papers4j.core.nn.vision;
