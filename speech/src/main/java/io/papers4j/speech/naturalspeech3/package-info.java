/**
 * NaturalSpeech 3 (2403.03100): the factorised codec (FACodec), factorised mask-predict diffusion,
 * their training, probes, evaluation and the reproduction.
 */
package io.papers4j.speech.naturalspeech3;
