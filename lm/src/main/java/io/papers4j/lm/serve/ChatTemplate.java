package io.papers4j.lm.serve;

import java.util.List;

/**
 * Turns chat messages into one prompt, in one of two styles.
 *
 * <p>{@link Style#PLAIN}, for a base (non-chat-tuned) checkpoint:
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
 *
 * <p>{@link Style#INST}, Mistral-Instruct style, for a model instruction-tuned on {@code [INST]
 * instruction [/INST] answer\n} (a system message is put before the first user message's text):
 *
 * <pre>
 *   [INST] … [/INST] …\n[INST] … [/INST]
 * </pre>
 *
 * A reply ends at its first newline.
 */
public final class ChatTemplate {
  /** Text after which a plain-style reply is cut (the model began the next user turn). */
  public static final String TURN_END = "\nUser:";

  /** The prompt format and where a reply ends. */
  public enum Style {
    PLAIN(TURN_END),
    INST("\n");

    private final String turnEnd;

    Style(String turnEnd) {
      this.turnEnd = turnEnd;
    }

    /** Text at which a reply is cut. */
    public String turnEnd() {
      return turnEnd;
    }

    /** Parses "plain" or "inst". */
    public static Style parse(String s) {
      return switch (s == null ? "" : s.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "plain" -> PLAIN;
        case "inst" -> INST;
        default -> throw new IllegalArgumentException("--chat-template must be plain or inst, got " + s);
      };
    }
  }

  private ChatTemplate() {}

  /** One message: role is system, user or assistant. */
  public record Message(String role, String content) {}

  /** The plain-style prompt. */
  public static String prompt(List<Message> messages) {
    return prompt(Style.PLAIN, messages);
  }

  public static String prompt(Style style, List<Message> messages) {
    return style == Style.INST ? inst(messages) : plain(messages);
  }

  private static String plain(List<Message> messages) {
    StringBuilder sb = new StringBuilder();
    for (Message m : messages) {
      sb.append(who(m)).append(": ").append(m.content().strip()).append('\n');
    }
    return sb.append("Assistant:").toString();
  }

  private static String inst(List<Message> messages) {
    StringBuilder sb = new StringBuilder();
    String system = null;
    boolean open = false;
    for (Message m : messages) {
      switch (who(m)) {
        case "System" -> system = system == null ? m.content().strip() : system + "\n\n" + m.content().strip();
        case "User" -> {
          if (open) sb.append(" [/INST]\n"); // two user turns in a row: an empty answer between them
          String text = system == null ? m.content().strip() : system + "\n\n" + m.content().strip();
          system = null;
          sb.append("[INST] ").append(text);
          open = true;
        }
        default -> {
          if (!open) throw new IllegalArgumentException("an assistant message must follow a user message in the inst template");
          sb.append(" [/INST] ").append(m.content().strip()).append('\n');
          open = false;
        }
      }
    }
    if (!open) throw new IllegalArgumentException("the last message must be a user message in the inst template");
    return sb.append(" [/INST]").toString();
  }

  private static String who(Message m) {
    return switch (m.role()) {
      case "system" -> "System";
      case "user" -> "User";
      case "assistant" -> "Assistant";
      default -> throw new IllegalArgumentException("message role must be system, user or assistant; got " + m.role());
    };
  }
}
