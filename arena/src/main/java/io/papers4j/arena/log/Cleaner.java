package io.papers4j.arena.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * FastChat's {@code clean_battle_data.py} rules: turns vote-log lines {tstamp, type, models,
 * states, ip} into {@code clean_battle} records {question_id, model_a, model_b, winner, judge,
 * conversation_a, conversation_b, turn, anony, language, tstamp}, dropping a battle when any message
 * names a model or vendor (identity leak), carries an error or moderation string or the unfinished
 * stream cursor, or is missing. Differences: {@code num_tokens} counts whitespace-separated words
 * (no tiktoken here) and {@code language} is {@link LanguageGuess}'s guess (script, then function words)
 * instead of polyglot's model.
 */
public final class Cleaner {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Model and vendor names whose mention reveals identity (FastChat's list, abridged to whole words). */
  public static final List<String> IDENTITY_WORDS =
      List.of("vicuna", "lmsys", "koala", "uc berkeley", "open assistant", "laion", "chatglm",
          "chatgpt", "gpt-4", "gpt-3.5", "openai", "anthropic", "claude", "bard", "palm", "lamda",
          "google", "gemini", "llama", "qwen", "alibaba", "mistral", "mixtral", "zhipu", "moss",
          "baichuan", "deepseek", "cohere", "command-r", "microsoft", "phi-3", "papers4j", "tulu");

  /** Error strings that mark a failed reply. */
  public static final List<String> ERROR_STRINGS =
      List.of("NETWORK ERROR DUE TO HIGH TRAFFIC", "API REQUEST ERROR", "**NETWORK ERROR**",
          "$MODERATION$", "\u258C" /* the streaming cursor ▌ of an unfinished reply */);

  private final List<Pattern> identity = new ArrayList<>();
  private final Map<String, Integer> dropped = new LinkedHashMap<>();

  /** With FastChat's identity words plus {@code extraNames} (e.g. the arena's own model names). */
  public Cleaner(List<String> extraNames) {
    List<String> words = new ArrayList<>(IDENTITY_WORDS);
    words.addAll(extraNames);
    for (String w : words) {
      if (w.isBlank()) continue;
      identity.add(Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(w.toLowerCase(Locale.ROOT)) + "(?![\\p{L}\\p{N}])"));
    }
  }

  /** Why records were dropped so far: reason → count. */
  public Map<String, Integer> dropped() {
    return dropped;
  }

  /** The clean record of a vote-log line, or null when the battle is dropped (reason counted). */
  public ObjectNode clean(String voteLogLine) {
    JsonNode row;
    try {
      row = JSON.readTree(voteLogLine);
    } catch (Exception e) {
      return drop("malformed log line");
    }
    String type = row.path("type").asText();
    String winner = switch (type) {
      case "leftvote" -> "model_a";
      case "rightvote" -> "model_b";
      case "tievote" -> "tie";
      case "bothbad_vote" -> "tie (bothbad)";
      default -> null;
    };
    if (winner == null) return drop("not a vote");
    JsonNode states = row.path("states");
    if (states.size() != 2) return drop("missing states");
    String[] names = new String[2];
    ArrayNode[] convs = new ArrayNode[2];
    int turn = 0;
    StringBuilder allText = new StringBuilder();
    for (int s = 0; s < 2; s++) {
      JsonNode st = states.get(s);
      names[s] = st.path("model_name").asText("");
      if (names[s].isEmpty()) return drop("missing model name");
      convs[s] = JSON.createArrayNode();
      JsonNode msgs = st.path("messages");
      int offset = st.path("offset").asInt(0);
      int userTurns = 0;
      for (int i = offset; i < msgs.size(); i++) {
        JsonNode m = msgs.get(i);
        if (m.size() < 2 || m.get(1).isNull()) return drop("None message");
        String role = m.get(0).asText(), content = m.get(1).asText();
        for (String e : ERROR_STRINGS) if (content.contains(e)) return drop(e.equals("$MODERATION$") ? "moderation" : "error string");
        allText.append(content.toLowerCase(Locale.ROOT)).append('\n');
        if (role.equals("user")) userTurns++;
        convs[s].addObject().put("role", role).put("content", content)
            .put("num_tokens", content.isBlank() ? 0 : content.trim().split("\\s+").length);
      }
      turn = Math.max(turn, userTurns);
    }
    String text = allText.toString();
    for (Pattern p : identity) if (p.matcher(text).find()) return drop("identity leak");
    JsonNode models = row.path("models");
    boolean anony = models.size() < 1 || models.get(0).asText("").isEmpty();
    String judgeId = row.hasNonNull("judge") ? row.get("judge").asText()
        : "arena_user_" + row.path("ip").asText("unknown").replaceAll("[^A-Za-z0-9_.:-]", "_");
    ObjectNode o = JSON.createObjectNode();
    o.put("question_id", states.get(0).path("conv_id").asText(""));
    o.put("model_a", names[0]);
    o.put("model_b", names[1]);
    o.put("winner", winner);
    o.put("judge", judgeId);
    o.set("conversation_a", convs[0]);
    o.set("conversation_b", convs[1]);
    o.put("turn", turn);
    o.put("anony", anony);
    // FastChat: the language of the first user message (polyglot there, LanguageGuess here)
    String firstUser = "";
    for (JsonNode m : convs[0]) {
      if (m.path("role").asText().equals("user")) {
        firstUser = m.path("content").asText();
        break;
      }
    }
    o.put("language", LanguageGuess.of(firstUser));
    o.put("tstamp", row.path("tstamp").asDouble());
    return o;
  }

  /** The "simple" form (FastChat's public files): conversations and question_id removed. */
  public static ObjectNode simple(ObjectNode full) {
    ObjectNode o = full.deepCopy();
    o.remove("conversation_a");
    o.remove("conversation_b");
    o.remove("question_id");
    return o;
  }

  private ObjectNode drop(String reason) {
    dropped.merge(reason, 1, Integer::sum);
    return null;
  }
}
