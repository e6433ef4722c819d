/**
 * Optimizers and schedules: AdamW (and its HF twin), 8-bit block-wise state, weight decay, gradient
 * clipping, cosine and warm-up schedules.
 */
package io.papers4j.core.optim;
