package io.papers4j.multimodal.movie;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.papers4j.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The paper's three-level movie plot as one JSON document:
 *
 * <pre>level 1: title, theme, genre, overview, style {keyword, description}, characters (fixed looks),
 *          locations, chapters (sub-stories, each with a location and QA)
 * level 2: chapter → scenes (tiny stories, each with QA)
 * level 3: scene → frames ("at the L, LOOK is VERB-ing, with a EXPR"), dialogues between frames</pre>
 *
 * <p>QA pairs carry a type — {@code overview}, {@code plot} or {@code temporal} — the three question
 * kinds of the paper's long-video benchmark. {@link #parse} validates a document against this schema
 * and fails with one message naming the first bad field ({@code chapters[1].scenes[0].frames[2].action}).
 */
public record Plot(String title, String theme, String genre, String overview, StyleTag style, List<Person> characters,
    List<String> locations, List<Chapter> chapters, List<Qa> qa) {

  /** The single-word style keyword ({…} in the level-1 prompt) and its detailed description. */
  public record StyleTag(String keyword, String description) {}

  /** A character with a fixed look, e.g. name "Ava", kind "woman", colour "red", look "a woman in red". */
  public record Person(String name, String kind, String colour, String look) {}

  /** Level 1: a sub-story at one location, expanded into scenes. */
  public record Chapter(String summary, String location, List<Scene> scenes, List<Qa> qa) {}

  /** Level 2: a tiny story, expanded into frames and dialogue lines. */
  public record Scene(String summary, String location, List<Frame> frames, List<Dialogue> dialogues, List<Qa> qa) {}

  /**
   * Level 3: one keyframe. {@code characters} are names, {@code looks} the look text the description
   * uses for each (the same as the character's fixed look when the story is consistent).
   */
  public record Frame(String description, String location, List<String> characters, List<String> looks, String action,
      String expression) {}

  /** A dialogue line spoken after frame {@code after} (index within the scene). */
  public record Dialogue(int after, String speaker, String line) {}

  /** A question with its short answer; type is overview, plot or temporal. */
  public record Qa(String type, String question, String answer) {}

  public static final List<String> QA_TYPES = List.of("overview", "plot", "temporal");

  static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .enable(SerializationFeature.INDENT_OUTPUT);

  /** Every frame in story order. */
  public List<Frame> frames() {
    List<Frame> out = new ArrayList<>();
    for (Chapter c : chapters) for (Scene s : c.scenes()) out.addAll(s.frames());
    return out;
  }

  /** Every QA pair of the three levels (movie, chapters, scenes). */
  public List<Qa> allQa() {
    List<Qa> out = new ArrayList<>(qa);
    for (Chapter c : chapters) {
      out.addAll(c.qa());
      for (Scene s : c.scenes()) out.addAll(s.qa());
    }
    return out;
  }

  /** The text-to-image prompt of a frame in this movie's style keyword. */
  public String prompt(Frame f) {
    return "a picture in " + style.keyword() + " style: " + f.description();
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the JSON atomically. */
  public void write(Path file) {
    AtomicFiles.writeString(file, toJson() + "\n");
  }

  /** Reads and validates a plot file. */
  public static Plot read(Path file) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("plot file not found: " + file);
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }

  /** Parses and validates; one message naming the first bad field, or saying where the JSON breaks. */
  public static Plot parse(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("plot JSON is empty");
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      String why = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      throw new IllegalArgumentException("plot is not valid JSON (truncated or malformed): " + why);
    }
    validate(root);
    try {
      return JSON.treeToValue(root, Plot.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("plot JSON does not map onto the schema: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  // ---------------------------------------------------------------- schema

  /** Checks every field of the schema; throws naming the first bad one. */
  static void validate(JsonNode root) {
    if (root == null || !root.isObject()) throw bad("(root)", "must be a JSON object");
    for (String f : List.of("title", "theme", "genre", "overview")) text(root, f, f);
    JsonNode style = object(root, "style", "style");
    String keyword = text(style, "keyword", "style.keyword");
    if (!StoryWorld.KEYWORDS.containsKey(keyword)) throw bad("style.keyword", "'" + keyword + "' is not one of " + StoryWorld.KEYWORD_ORDER);
    text(style, "description", "style.description");
    JsonNode chars = array(root, "characters", "characters", 1);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < chars.size(); i++) {
      String p = "characters[" + i + "]";
      JsonNode c = chars.get(i);
      if (!c.isObject()) throw bad(p, "must be an object");
      names.add(text(c, "name", p + ".name"));
      String kind = oneOf(c, "kind", p + ".kind", StoryWorld.KINDS);
      String colour = oneOf(c, "colour", p + ".colour", StoryWorld.COLOURS);
      String look = text(c, "look", p + ".look");
      if (!look.equals(StoryWorld.look(kind, colour))) throw bad(p + ".look", "'" + look + "' must read '" + StoryWorld.look(kind, colour) + "'");
    }
    JsonNode locs = array(root, "locations", "locations", 1);
    Set<String> locations = new HashSet<>();
    for (int i = 0; i < locs.size(); i++) {
      JsonNode l = locs.get(i);
      if (!l.isTextual() || !StoryWorld.LOCATIONS.contains(l.asText())) {
        throw bad("locations[" + i + "]", l + " is not one of " + StoryWorld.LOCATIONS);
      }
      locations.add(l.asText());
    }
    qaList(root, "qa");
    JsonNode chapters = array(root, "chapters", "chapters", 1);
    for (int i = 0; i < chapters.size(); i++) {
      String p = "chapters[" + i + "]";
      JsonNode ch = chapters.get(i);
      if (!ch.isObject()) throw bad(p, "must be an object");
      text(ch, "summary", p + ".summary");
      location(ch, p, locations);
      qaList(ch, p + ".qa");
      JsonNode scenes = array(ch, "scenes", p + ".scenes", 1);
      for (int j = 0; j < scenes.size(); j++) {
        String q = p + ".scenes[" + j + "]";
        JsonNode sc = scenes.get(j);
        if (!sc.isObject()) throw bad(q, "must be an object");
        text(sc, "summary", q + ".summary");
        location(sc, q, locations);
        qaList(sc, q + ".qa");
        JsonNode frames = array(sc, "frames", q + ".frames", 1);
        for (int k = 0; k < frames.size(); k++) frame(frames.get(k), q + ".frames[" + k + "]", locations, names);
        JsonNode dialogues = array(sc, "dialogues", q + ".dialogues", 0);
        for (int k = 0; k < dialogues.size(); k++) {
          String d = q + ".dialogues[" + k + "]";
          JsonNode dl = dialogues.get(k);
          if (!dl.isObject()) throw bad(d, "must be an object");
          JsonNode after = dl.get("after");
          if (after == null || !after.isInt() || after.asInt() < 0 || after.asInt() >= frames.size()) {
            throw bad(d + ".after", "must be a frame index in [0, " + (frames.size() - 1) + "]");
          }
          String speaker = text(dl, "speaker", d + ".speaker");
          if (!names.contains(speaker)) throw bad(d + ".speaker", "'" + speaker + "' is not a character of the plot");
          text(dl, "line", d + ".line");
        }
      }
    }
  }

  private static void frame(JsonNode f, String p, Set<String> locations, Set<String> names) {
    if (f == null || !f.isObject()) throw bad(p, "must be an object");
    text(f, "description", p + ".description");
    location(f, p, locations);
    JsonNode cs = array(f, "characters", p + ".characters", 1);
    JsonNode looks = array(f, "looks", p + ".looks", 1);
    if (cs.size() > 2) throw bad(p + ".characters", "at most two characters per frame, got " + cs.size());
    if (looks.size() != cs.size()) throw bad(p + ".looks", "needs one look per character (" + cs.size() + "), got " + looks.size());
    for (int i = 0; i < cs.size(); i++) {
      if (!cs.get(i).isTextual() || !names.contains(cs.get(i).asText())) throw bad(p + ".characters[" + i + "]", cs.get(i) + " is not a character of the plot");
      if (!looks.get(i).isTextual() || parseLook(looks.get(i).asText()) == null) {
        throw bad(p + ".looks[" + i + "]", looks.get(i) + " is not of the form 'a KIND in COLOUR' with KIND in " + StoryWorld.KINDS + ", COLOUR in " + StoryWorld.COLOURS);
      }
    }
    oneOf(f, "action", p + ".action", StoryWorld.ACTIONS);
    oneOf(f, "expression", p + ".expression", StoryWorld.EXPRESSIONS);
  }

  /** "a woman in red" → {woman, red}, or null when it is not a look of the world. */
  public static String[] parseLook(String look) {
    String[] w = look.strip().split("\\s+");
    if (w.length != 4 || !w[0].equals("a") || !w[2].equals("in")) return null;
    if (!StoryWorld.KINDS.contains(w[1]) || !StoryWorld.COLOURS.contains(w[3])) return null;
    return new String[] {w[1], w[3]};
  }

  private static void location(JsonNode n, String p, Set<String> locations) {
    String l = text(n, "location", p + ".location");
    if (!locations.contains(l)) throw bad(p + ".location", "'" + l + "' is not in the plot's locations");
  }

  private static void qaList(JsonNode n, String p) {
    JsonNode qa = array(n, "qa", p.endsWith(".qa") || p.equals("qa") ? p : p + ".qa", 0);
    for (int i = 0; i < qa.size(); i++) {
      String q = p + "[" + i + "]";
      JsonNode x = qa.get(i);
      if (!x.isObject()) throw bad(q, "must be an object");
      oneOf(x, "type", q + ".type", QA_TYPES);
      text(x, "question", q + ".question");
      text(x, "answer", q + ".answer");
    }
  }

  private static String oneOf(JsonNode n, String field, String path, List<String> allowed) {
    String v = text(n, field, path);
    if (!allowed.contains(v)) throw bad(path, "'" + v + "' is not one of " + allowed);
    return v;
  }

  private static String text(JsonNode n, String field, String path) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) throw bad(path, "missing");
    if (!v.isTextual()) throw bad(path, "must be a string, got " + v.getNodeType().name().toLowerCase());
    if (v.asText().isBlank()) throw bad(path, "is empty");
    return v.asText();
  }

  private static JsonNode object(JsonNode n, String field, String path) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) throw bad(path, "missing");
    if (!v.isObject()) throw bad(path, "must be an object");
    return v;
  }

  private static JsonNode array(JsonNode n, String field, String path, int min) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) throw bad(path, "missing");
    if (!v.isArray()) throw bad(path, "must be an array");
    if (v.size() < min) throw bad(path, "needs at least " + min + " entr" + (min == 1 ? "y" : "ies"));
    return v;
  }

  private static IllegalArgumentException bad(String path, String why) {
    return new IllegalArgumentException("plot JSON: " + path + ": " + why);
  }
}
