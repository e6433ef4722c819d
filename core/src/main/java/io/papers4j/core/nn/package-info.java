/**
 * Layers every model builds on: linear, 2D convolution, embedding, norms (layer, RMS, group), SwiGLU,
 * attention with KV cache, initialisers and named parameters.
 */
package io.papers4j.core.nn;
