/**
 * The LLaMA/Mistral/Yi decoder family: model, config, HF-compatible checkpoints, layer surgery and
 * the byte-level LM experiment.
 */
package io.papers4j.lm.llama;
