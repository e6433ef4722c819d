/**
 * The vision-language family shared by InfiMM-HD, MLM-Filter and MovieLLM: a ViT image encoder with
 * position-embedding interpolation, a small CLIP (the in-project stand-in for OpenAI CLIP), a LLaMA
 * decoder with Flamingo-style gated cross-attention and immediate-media masking, a Perceiver
 * resampler, and the OpenAI chat request parser with image parts.
 */
package io.papers4j.multimodal.vlm;
