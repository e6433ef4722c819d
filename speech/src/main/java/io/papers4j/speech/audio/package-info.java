/**
 * Audio foundation for speech: WAV I/O, resampling, STFT and mel spectrograms, pitch, Griffin-Lim
 * and plots.
 */
package io.papers4j.speech.audio;
