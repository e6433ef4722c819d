/**
 * Resonance RoPE (2403.00071): the PosGen benchmark, its decoder, the LM length study and the
 * reproduction.
 */
package io.papers4j.lm.posgen;
