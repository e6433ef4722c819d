package io.papers4j.core.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.io.CheckpointException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes Hugging Face {@code tokenizer.json} files for byte-level BPE.
 *
 * <p>Supported on read: {@code model.type = "BPE"} with {@code vocab} and {@code merges} (either
 * {@code "a b"} strings or {@code ["a", "b"]} pairs, as tokenizers ≥ 0.20 writes), a {@code
 * ByteLevel} pre-tokenizer (GPT-2, RoBERTa) or a {@code Sequence} of a regex {@code Split} and a
 * {@code ByteLevel} without regex (LLaMA-3, Qwen), {@code ignore_merges}, and {@code
 * added_tokens}. SentencePiece-style files (LLaMA-2, Mistral: {@code Metaspace}, {@code
 * byte_fallback}) are refused with a message that says so.
 */
final class TokenizerJson {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TokenizerJson() {}

  static void write(BpeTokenizer tok, Path file) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    tok.specialTokens().forEach((content, id) -> {
      ObjectNode t = added.addObject();
      t.put("id", id);
      t.put("content", content);
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    });
    root.putNull("normalizer");
    boolean gpt2 = tok.preTokenizer().regex().equals(PreTokenizer.GPT2_PATTERN);
    if (gpt2) {
      root.set("pre_tokenizer", byteLevel(true));
    } else {
      ObjectNode seq = root.putObject("pre_tokenizer");
      seq.put("type", "Sequence");
      ArrayNode list = seq.putArray("pretokenizers");
      ObjectNode split = list.addObject();
      split.put("type", "Split");
      split.putObject("pattern").put("Regex", tok.preTokenizer().regex());
      split.put("behavior", "Isolated");
      split.put("invert", false);
      list.add(byteLevel(false));
    }
    root.set("post_processor", byteLevel(true).put("trim_offsets", false));
    root.set("decoder", byteLevel(true));
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", tok.ignoreMerges());
    ObjectNode vocab = model.putObject("vocab");
    for (int id = 0; id < tok.vocabSize(); id++) {
      String t = tok.token(id);
      if (t != null && !tok.specialTokens().containsKey(t)) vocab.put(t, id);
    }
    ArrayNode merges = model.putArray("merges");
    for (String[] m : tok.merges()) merges.addArray().add(m[0]).add(m[1]);
    try {
      AtomicFiles.write(file, JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw CheckpointException.of(file, "cannot serialise: " + e.getMessage(), e);
    }
  }

  private static ObjectNode byteLevel(boolean useRegex) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "ByteLevel");
    n.put("add_prefix_space", false);
    n.put("trim_offsets", true);
    n.put("use_regex", useRegex);
    return n;
  }

  /** The file's JSON tree; a missing or unparsable file is a {@link CheckpointException} naming it. */
  private static JsonNode readTree(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw CheckpointException.of(file, "no such file");
    } catch (IOException e) {
      throw CheckpointException.of(file, "not valid JSON: " + e.getMessage(), e);
    }
  }

  static BpeTokenizer read(Path file) {
    JsonNode root = readTree(file);
    try {
      return parse(root);
    } catch (IllegalArgumentException e) {
      throw CheckpointException.of(file, e.getMessage(), e);
    }
  }

  static BpeTokenizer parse(JsonNode root) {
    if (root == null || !root.isObject()) throw new IllegalArgumentException("not a JSON object");
    JsonNode model = root.path("model");
    String type = model.path("type").asText("BPE");
    if (!type.equals("BPE")) {
      throw new IllegalArgumentException("model.type '" + type + "' is not supported (only BPE)");
    }
    if (isSentencePiece(root)) {
      throw new IllegalArgumentException(
          "a SentencePiece-style tokenizer (byte_fallback / Metaspace, as LLaMA-2's or Mistral's) is"
              + " not byte-level BPE: load it with Tokenizer.load");
    }
    if (!root.path("normalizer").isNull() && !root.path("normalizer").isMissingNode()) {
      throw new IllegalArgumentException(
          "normalizer '" + root.path("normalizer").path("type").asText() + "' is not supported");
    }
    PreTokenizer pre = preTokenizer(root.path("pre_tokenizer"));

    Map<String, Integer> vocab = vocab(model);
    List<String[]> merges = merges(model);
    Map<String, Integer> specials = new LinkedHashMap<>();
    for (JsonNode t : root.path("added_tokens")) {
      specials.put(t.path("content").asText(), t.path("id").asInt());
    }
    return new BpeTokenizer(vocab, merges, specials, pre, model.path("ignore_merges").asBoolean(false));
  }

  private static Map<String, Integer> vocab(JsonNode model) {
    JsonNode v = model.path("vocab");
    if (!v.isObject()) throw new IllegalArgumentException("model.vocab is missing or not an object");
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().canConvertToInt()) {
        throw new IllegalArgumentException("model.vocab['" + e.getKey() + "'] is not an integer id");
      }
      vocab.put(e.getKey(), e.getValue().intValue());
    }
    return vocab;
  }

  private static List<String[]> merges(JsonNode model) {
    List<String[]> merges = new ArrayList<>();
    JsonNode ms = model.path("merges");
    if (!ms.isArray()) throw new IllegalArgumentException("model.merges is missing or not a list");
    for (JsonNode m : ms) {
      if (m.isTextual()) {
        String[] parts = m.textValue().split(" ", -1);
        if (parts.length != 2) {
          throw new IllegalArgumentException("merge '" + m.textValue() + "' is not two tokens");
        }
        merges.add(parts);
      } else if (m.isArray() && m.size() == 2) {
        merges.add(new String[] {m.get(0).asText(), m.get(1).asText()});
      } else {
        throw new IllegalArgumentException("merge " + m + " is neither \"a b\" nor [\"a\", \"b\"]");
      }
    }
    return merges;
  }

  /** Whether the file describes SentencePiece-style BPE (LLaMA-2, Mistral, Yi). */
  static boolean isSentencePiece(JsonNode root) {
    JsonNode model = root.path("model");
    if (model.path("byte_fallback").asBoolean(false)) return true;
    if (root.path("pre_tokenizer").path("type").asText("").equals("Metaspace")) return true;
    for (JsonNode n : root.path("normalizer").path("normalizers")) {
      if (n.path("type").asText("").equals("Prepend")) return true;
    }
    return false;
  }

  /** Any supported tokenizer.json: byte-level or SentencePiece-style BPE. */
  static Tokenizer readAny(Path file) {
    JsonNode root = readTree(file);
    try {
      if (root != null && root.isObject() && isSentencePiece(root)) return parseSentencePiece(root);
      return parse(root);
    } catch (IllegalArgumentException e) {
      throw CheckpointException.of(file, e.getMessage(), e);
    }
  }

  /**
   * LLaMA-2 (legacy): normalizer Sequence[Prepend("▁"), Replace(" " → "▁")], no pre-tokenizer.
   * Newer conversions: no normalizer, pre_tokenizer Metaspace(replacement "▁", prepend_scheme,
   * split). Both: BPE with byte_fallback over {@code <0xNN>} tokens.
   */
  static SentencePieceBpe parseSentencePiece(JsonNode root) {
    JsonNode model = root.path("model");
    String type = model.path("type").asText("BPE");
    if (!type.equals("BPE")) {
      throw new IllegalArgumentException("model.type '" + type + "' is not supported (only BPE)");
    }
    SentencePieceBpe.Prepend prepend = SentencePieceBpe.Prepend.NEVER;
    boolean split = false;
    JsonNode norm = root.path("normalizer");
    if (!norm.isNull() && !norm.isMissingNode()) {
      List<JsonNode> parts = new ArrayList<>();
      if (norm.path("type").asText().equals("Sequence")) norm.path("normalizers").forEach(parts::add);
      else parts.add(norm);
      for (JsonNode n : parts) {
        String t = n.path("type").asText();
        if (t.equals("Prepend") && n.path("prepend").asText().equals("\u2581")) {
          prepend = SentencePieceBpe.Prepend.ALWAYS;
        } else if (t.equals("Replace") && n.path("pattern").path("String").asText().equals(" ")
            && n.path("content").asText().equals("\u2581")) {
          // spaces become '▁': what SentencePieceBpe always does
        } else {
          throw new IllegalArgumentException("normalizer '" + t + "' is not supported");
        }
      }
    }
    JsonNode pre = root.path("pre_tokenizer");
    if (!pre.isNull() && !pre.isMissingNode()) {
      if (!pre.path("type").asText().equals("Metaspace")
          || !pre.path("replacement").asText("\u2581").equals("\u2581")) {
        throw new IllegalArgumentException(
            "pre_tokenizer '" + pre.path("type").asText() + "' is not supported with byte_fallback");
      }
      String scheme = pre.path("prepend_scheme").asText(
          pre.path("add_prefix_space").asBoolean(true) ? "always" : "never");
      prepend = switch (scheme) {
        case "always" -> SentencePieceBpe.Prepend.ALWAYS_UNLESS_SPACE;
        case "first" -> SentencePieceBpe.Prepend.FIRST;
        case "never" -> SentencePieceBpe.Prepend.NEVER;
        default -> throw new IllegalArgumentException("Metaspace prepend_scheme '" + scheme + "' is not supported");
      };
      split = pre.path("split").asBoolean(true);
    }
    Map<String, Integer> vocab = vocab(model);
    List<String[]> merges = merges(model);
    Map<String, Integer> specials = new LinkedHashMap<>();
    for (JsonNode t : root.path("added_tokens")) specials.put(t.path("content").asText(), t.path("id").asInt());
    String unk = model.path("unk_token").isTextual() ? model.path("unk_token").asText() : null;
    return new SentencePieceBpe(vocab, merges, specials, unk, prepend, split);
  }

  private static PreTokenizer preTokenizer(JsonNode n) {
    String type = n.path("type").asText("");
    if (type.equals("ByteLevel")) {
      if (n.path("add_prefix_space").asBoolean(false)) {
        throw new IllegalArgumentException("pre_tokenizer ByteLevel with add_prefix_space is not supported");
      }
      if (!n.path("use_regex").asBoolean(true)) {
        throw new IllegalArgumentException("pre_tokenizer ByteLevel without a regex is not supported");
      }
      return PreTokenizer.GPT2;
    }
    if (type.equals("Sequence")) {
      JsonNode list = n.path("pretokenizers");
      if (list.size() == 2
          && list.get(0).path("type").asText().equals("Split")
          && list.get(1).path("type").asText().equals("ByteLevel")
          && !list.get(1).path("use_regex").asBoolean(true)) {
        JsonNode split = list.get(0);
        String regex = split.path("pattern").path("Regex").asText(null);
        if (regex == null || !split.path("behavior").asText().equals("Isolated")
            || split.path("invert").asBoolean(false)) {
          throw new IllegalArgumentException("pre_tokenizer Split must be an Isolated regex split");
        }
        return new PreTokenizer(regex);
      }
      if (list.size() == 1 && list.get(0).path("type").asText().equals("ByteLevel")) {
        return preTokenizer(list.get(0));
      }
    }
    throw new IllegalArgumentException(
        "pre_tokenizer '" + (type.isEmpty() ? n.toString() : type) + "' is not supported"
            + " (ByteLevel, or Sequence[Split regex, ByteLevel])");
  }
}
