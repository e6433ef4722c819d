/**
 * Position encodings every module can use: RoPE and its scaled family (linear, NTK, dynamic, YaRN,
 * Resonance) with the HF rope config, and the 2D grid RoPE of VisionLLaMA with its resolution rules.
 */
package io.papers4j.core.nn.pos;
