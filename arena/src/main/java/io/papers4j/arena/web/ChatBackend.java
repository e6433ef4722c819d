package io.papers4j.arena.web;

import java.util.List;
import java.util.function.Consumer;

/** A chat model that streams its reply. */
public interface ChatBackend {

  /** One chat message, OpenAI roles {@code user}, {@code assistant}, {@code system}. */
  record Message(String role, String content) {}

  /**
   * Streams the reply to {@code messages}, calling {@code onDelta} for each piece of text, and
   * returns the whole reply. Throws with a readable message when the endpoint fails.
   */
  String stream(List<Message> messages, Consumer<String> onDelta) throws Exception;
}
