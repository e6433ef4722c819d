/** The speech commands ({@code papers4j speech}: codec and TTS training, encode, decode, convert, tts, eval). */
package io.papers4j.speech.cli;
