package io.papers4j.core.nn.pos;

/**
 * Which head dimensions form a rotated pair. For a model trained from scratch the two are the same
 * up to a fixed permutation of the q/k projection rows; a checkpoint must use the one it was
 * trained with.
 */
public enum Pairing {
  /** Hugging Face LLaMA/Mistral/Yi: dimension j with j + d/2 ({@code rotate_half}). */
  HALF,
  /** GPT-J and the Resonance repo's PosGen decoder: dimensions 2j and 2j+1 ({@code rotate_every_two}). */
  ADJACENT
}
