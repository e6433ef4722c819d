package io.papers4j.multimodal.movie;

import io.papers4j.lm.serve.ChatClient;
import java.time.Duration;
import java.util.function.Function;

/**
 * Plots from any OpenAI-compatible chat endpoint (e.g. {@code papers4j lm serve} or a user's own
 * server) in place of the paper's GPT-4: one prompt that states the schema, the closed vocabulary
 * and a complete example, then JSON validation with {@link Plot#parse}. A malformed or truncated
 * reply is retried with the validation message appended, up to {@code attempts} times; after that
 * the last message is the error.
 */
public final class LlmPlots {
  private final Function<String, String> chat;
  private final int attempts;
  private final int maxTokens;

  /** @param chat one user message in, the reply out (a {@link ChatClient} or a test double) */
  public LlmPlots(Function<String, String> chat, int attempts, int maxTokens) {
    if (attempts < 1) throw new IllegalArgumentException("attempts must be >= 1");
    if (maxTokens < 64) throw new IllegalArgumentException("max tokens must be >= 64");
    this.chat = chat;
    this.attempts = attempts;
    this.maxTokens = maxTokens;
  }

  /** A client for {@code endpoint} (base URL) and {@code model} (null: the server's default). */
  public static LlmPlots of(String endpoint, String model, int attempts) {
    ChatClient client = new ChatClient(endpoint, model, Duration.ofMinutes(5));
    return new LlmPlots(m -> client.complete(m, 8192), attempts, 8192);
  }

  /** A validated plot for {@code theme}. */
  public Plot generate(String theme, PlotGrammar.Size size, long seed) {
    String prompt = prompt(theme, size, seed);
    String error = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      String message = error == null ? prompt
          : prompt + "\n\nYour previous answer was rejected: " + error + "\nAnswer again with the complete JSON object only.";
      String reply = chat.apply(message);
      try {
        return Plot.parse(extractJson(reply));
      } catch (IllegalArgumentException e) {
        error = e.getMessage();
      }
    }
    throw new IllegalArgumentException("the endpoint gave no valid plot in " + attempts + " attempt(s); last problem: " + error);
  }

  /** The object between the first '{' and the last '}' (models wrap JSON in prose or ``` fences); the text itself otherwise. */
  static String extractJson(String reply) {
    if (reply == null) return "";
    int a = reply.indexOf('{'), b = reply.lastIndexOf('}');
    return a >= 0 && b > a ? reply.substring(a, b + 1) : reply.strip();
  }

  /** The level 1-3 instructions compressed into one prompt, with a grammar-made example of the schema. */
  String prompt(String theme, PlotGrammar.Size size, long seed) {
    Plot example = PlotGrammar.expand("an example", seed, new PlotGrammar.Size(2, 1, 2), null);
    return "Write a movie plot about: " + theme.strip() + "\n"
        + "Answer with ONE JSON object and nothing else, with exactly the fields of the example below.\n"
        + "Structure: " + size.chapters() + " chapters (each at one location), " + size.scenes() + " scenes per chapter, "
        + size.frames() + " frames per scene, one dialogue line per scene (\"after\" = frame index in the scene).\n"
        + "style.keyword: one of " + StoryWorld.KEYWORD_ORDER + ". Characters: name, kind in " + StoryWorld.KINDS
        + ", colour in " + StoryWorld.COLOURS + ", look = \"a KIND in COLOUR\"; use each character's look in every frame.\n"
        + "locations and every location field: from " + StoryWorld.LOCATIONS + ".\n"
        + "Frame description form: \"at the LOCATION, LOOK is ACTION, with a EXPRESSION\"; action in " + StoryWorld.ACTIONS
        + "; expression in " + StoryWorld.EXPRESSIONS + ".\n"
        + "qa entries: type overview, plot or temporal (temporal = order of events), short answers.\n"
        + "Example:\n" + example.toJson();
  }
}
