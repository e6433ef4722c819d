/**
 * Layers every model builds on: linear, embedding, norms, SwiGLU, attention with KV cache,
 * initialisers and named parameters.
 */
package io.papers4j.core.nn;
