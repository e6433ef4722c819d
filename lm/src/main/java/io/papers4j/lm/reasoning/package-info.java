/**
 * Teaching LLMs to reason with RL (2403.04642): GSM8K grading and calculator, synthetic
 * GSM8K-style problems, SFT, expert iteration, PPO, return-conditioned RL, an outcome reward model,
 * and maj@K / rerank@K / pass@K evaluation.
 */
package io.papers4j.lm.reasoning;
