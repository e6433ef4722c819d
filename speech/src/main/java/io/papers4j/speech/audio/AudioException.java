package io.papers4j.speech.audio;

/** Bad or unsupported audio input; the message is meant for the user as is. */
public final class AudioException extends IllegalArgumentException {
  public AudioException(String message) {
    super(message);
  }
}
