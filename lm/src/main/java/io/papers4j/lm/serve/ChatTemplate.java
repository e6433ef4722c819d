package io.papers4j.lm.serve;

import java.util.List;

/**
 * Turns chat messages into one prompt for a base (non-chat-tuned) checkpoint:
 *
 * <pre>
 *   System: …\n        (if any)
 *   User: …\n
 *   Assistant: …\n
 *   User: …\n
 *   Assistant:
 * </pre>
 *
 * Generation stops at an end-of-sequence token or when the model starts a new "\nUser:" line.
 */
public final class ChatTemplate {
  /** Text after which the reply is cut (the model began the next user turn). */
  public static final String TURN_END = "\nUser:";

  private ChatTemplate() {}

  /** One message: role is system, user or assistant. */
  public record Message(String role, String content) {}

  public static String prompt(List<Message> messages) {
    StringBuilder sb = new StringBuilder();
    for (Message m : messages) {
      String who = switch (m.role()) {
        case "system" -> "System";
        case "user" -> "User";
        case "assistant" -> "Assistant";
        default -> throw new IllegalArgumentException("message role must be system, user or assistant; got " + m.role());
      };
      sb.append(who).append(": ").append(m.content().strip()).append('\n');
    }
    return sb.append("Assistant:").toString();
  }
}
