/**
 * Decoding for the LLaMA family: sampling rules (greedy, temperature, top-k, top-p) and the
 * KV-cache loops, one sequence at a time or k samples of one prompt in a batch with per-token
 * log-probs, and continuous batching of independent sequences ({@code ContinuousBatching} over a
 * per-row KV cache, {@code RowCache}). Serving, the Arena, RL rollouts and evaluation harnesses
 * call it.
 */
package io.papers4j.lm.generate;
