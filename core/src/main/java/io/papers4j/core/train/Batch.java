package io.papers4j.core.train;

import org.bytedeco.pytorch.Tensor;

/**
 * One batch for {@link Trainable#loss}.
 *
 * @param inputs e.g. token ids (B, T)
 * @param targets e.g. next-token ids (B, T)
 * @param items what the throughput counts: tokens for a language model (B·T), images otherwise
 */
public record Batch(Tensor inputs, Tensor targets, long items) {}
