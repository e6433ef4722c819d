package io.papers4j.core.data;

import org.bytedeco.pytorch.Tensor;

/**
 * One language-modelling batch: {@code targets[b, t] = inputs[b, t + 1]} in the token stream.
 *
 * @param inputs (B, T) int64 token ids
 * @param targets (B, T) int64 next-token ids
 */
public record Batch(Tensor inputs, Tensor targets) {}
