package io.papers4j.core.tokenize;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SentencePiece-style BPE as LLaMA-2, Mistral and Yi ship it in {@code tokenizer.json}: spaces
 * become {@code '▁'} (U+2581) and a {@code '▁'} is prepended, the text is split into Unicode
 * characters (no pre-tokenizer chunks), a character missing from the vocabulary falls back to its
 * UTF-8 bytes as {@code <0xNN>} tokens, and the merges apply lowest rank first.
 *
 * <p>Example (LLaMA-2 vocabulary): {@code "Hello"} → {@code "▁Hello"} → {@code [15043]}; decoding
 * maps {@code '▁'} back to spaces, fuses byte tokens into UTF-8 and removes the prepended space
 * the way the file's decoder does.
 */
public final class SentencePieceBpe implements Tokenizer {
  /** The meta symbol that stands for a space. */
  public static final char SPACE = '\u2581';

  /** Where the {@code '▁'} prefix goes (Hugging Face's Metaspace {@code prepend_scheme}). */
  public enum Prepend {
    /**
     * Before every piece of text between special tokens, even one that starts with a space
     * (LLaMA-2's legacy {@code Prepend} normalizer).
     */
    ALWAYS,
    /** Before every piece that does not already start with a space (Metaspace "always"). */
    ALWAYS_UNLESS_SPACE,
    /** Only before the piece at the start of the input, unless it starts with a space. */
    FIRST,
    NEVER
  }

  private final String[] idToToken;
  private final Map<String, Integer> tokenToId;
  private final Map<Long, Long> mergeTable;
  private final Map<String, Integer> specialTokens;
  private final Pattern specialPattern;
  private final Prepend prepend;
  private final boolean splitOnSpace;
  private final int unkId;
  private final int[] byteIds = new int[256];

  /**
   * @param vocab token → id, including {@code <0x00>}..{@code <0xFF>} for byte fallback
   * @param merges merge rules in rank order
   * @param specialTokens added tokens matched in the raw text (e.g. {@code <s>}, {@code </s>})
   * @param unkToken the unknown token (used when byte fallback is impossible), or null
   * @param prepend where to put the {@code '▁'} prefix
   * @param splitOnSpace Metaspace {@code split}: BPE per {@code '▁'}-started word instead of per
   *     whole piece
   */
  public SentencePieceBpe(
      Map<String, Integer> vocab,
      List<String[]> merges,
      Map<String, Integer> specialTokens,
      String unkToken,
      Prepend prepend,
      boolean splitOnSpace) {
    Map<String, Integer> all = new LinkedHashMap<>(vocab);
    specialTokens.forEach(all::putIfAbsent);
    int max = all.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    idToToken = new String[max + 1];
    all.forEach((t, id) -> idToToken[id] = t);
    tokenToId = Collections.unmodifiableMap(all);
    this.specialTokens = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
    this.prepend = prepend;
    this.splitOnSpace = splitOnSpace;
    Integer unk = unkToken == null ? null : all.get(unkToken);
    this.unkId = unk == null ? -1 : unk;
    for (int b = 0; b < 256; b++) {
      Integer id = all.get(String.format("<0x%02X>", b));
      byteIds[b] = id == null ? -1 : id;
    }
    mergeTable = new HashMap<>(merges.size() * 2);
    for (int rank = 0; rank < merges.size(); rank++) {
      String[] m = merges.get(rank);
      Integer a = all.get(m[0]);
      Integer b = all.get(m[1]);
      Integer ab = all.get(m[0] + m[1]);
      if (a == null || b == null || ab == null) {
        throw new IllegalArgumentException(
            "merge " + rank + " '" + m[0] + " " + m[1] + "' uses a token that is not in the vocabulary");
      }
      mergeTable.putIfAbsent(BpeTokenizer.pair(a, b), ((long) rank << 32) | ab);
    }
    if (specialTokens.isEmpty()) {
      specialPattern = null;
    } else {
      List<String> sorted = new ArrayList<>(specialTokens.keySet());
      sorted.sort(Comparator.comparingInt(String::length).reversed());
      StringBuilder sb = new StringBuilder();
      for (String s : sorted) sb.append(sb.length() == 0 ? "" : "|").append(Pattern.quote(s));
      specialPattern = Pattern.compile(sb.toString());
    }
  }

  @Override
  public int vocabSize() {
    return idToToken.length;
  }

  public Map<String, Integer> vocab() {
    return tokenToId;
  }

  public Map<String, Integer> specialTokens() {
    return specialTokens;
  }

  public String token(int id) {
    return id >= 0 && id < idToToken.length ? idToToken[id] : null;
  }

  @Override
  public int[] encode(String text) {
    BpeTokenizer.IntList out = new BpeTokenizer.IntList(text.length() / 2 + 4);
    int pos = 0;
    boolean first = true;
    if (specialPattern != null) {
      Matcher m = specialPattern.matcher(text);
      while (m.find()) {
        encodePiece(text.substring(pos, m.start()), first, out);
        first = false;
        out.add(specialTokens.get(m.group()));
        pos = m.end();
      }
    }
    encodePiece(text.substring(pos), first, out);
    return out.toArray();
  }

  private void encodePiece(String piece, boolean first, BpeTokenizer.IntList out) {
    if (piece.isEmpty()) return;
    String s = piece.replace(' ', SPACE);
    boolean startsWithSpace = s.charAt(0) == SPACE;
    if (prepend == Prepend.ALWAYS
        || (prepend == Prepend.ALWAYS_UNLESS_SPACE && !startsWithSpace)
        || (prepend == Prepend.FIRST && first && !startsWithSpace)) {
      s = SPACE + s;
    }
    if (!splitOnSpace) {
      out.addAll(bpe(s));
      return;
    }
    int start = 0;
    for (int i = 1; i <= s.length(); i++) {
      if (i == s.length() || s.charAt(i) == SPACE) {
        out.addAll(bpe(s.substring(start, i)));
        start = i;
      }
    }
  }

  /** Characters (code points) → ids with byte fallback, then the merges. */
  private int[] bpe(String word) {
    BpeTokenizer.IntList sym = new BpeTokenizer.IntList(word.length());
    word.codePoints().forEach(cp -> {
      String ch = new String(Character.toChars(cp));
      Integer id = tokenToId.get(ch);
      if (id != null && !specialTokens.containsKey(ch)) {
        sym.add(id);
        return;
      }
      byte[] bytes = ch.getBytes(StandardCharsets.UTF_8);
      boolean all = true;
      for (byte b : bytes) all &= byteIds[b & 0xFF] >= 0;
      if (all) {
        for (byte b : bytes) sym.add(byteIds[b & 0xFF]);
      } else if (unkId >= 0) {
        sym.add(unkId);
      } else {
        throw new IllegalStateException("character U+" + Integer.toHexString(cp) + " has no token");
      }
    });
    return BpeTokenizer.merge(sym.toArray(), mergeTable);
  }

  /**
   * Decodes: {@code '▁'} → space, runs of {@code <0xNN>} tokens → their UTF-8 text (U+FFFD per
   * byte when invalid), and the space the encoder prepended is removed.
   */
  @Override
  public String decode(int[] ids) {
    StringBuilder sb = new StringBuilder();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // Hugging Face's Metaspace decoder drops every '▁' of the first token (after byte tokens are
    // fused); LLaMA-2's legacy decoder strips one leading space of the whole text instead.
    boolean metaspace = prepend == Prepend.FIRST || prepend == Prepend.ALWAYS_UNLESS_SPACE;
    int piece = 0;
    for (int id : ids) {
      String t = token(id);
      if (t == null) throw new IllegalArgumentException("id " + id + " is not in the vocabulary");
      int b = byteOf(t);
      if (b >= 0) {
        bytes.write(b);
        continue;
      }
      if (flush(bytes, sb)) piece++;
      if (specialTokens.containsKey(t)) {
        sb.append(t);
      } else if (metaspace && piece == 0) {
        sb.append(t.replace(String.valueOf(SPACE), ""));
      } else {
        sb.append(t.replace(SPACE, ' '));
      }
      piece++;
    }
    flush(bytes, sb);
    if (prepend == Prepend.ALWAYS && sb.length() > 0 && sb.charAt(0) == ' ') sb.deleteCharAt(0);
    return sb.toString();
  }

  private static int byteOf(String t) {
    if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') return -1;
    try {
      return Integer.parseInt(t.substring(3, 5), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Appends pending byte tokens as text; whether there were any. */
  private static boolean flush(ByteArrayOutputStream bytes, StringBuilder sb) {
    if (bytes.size() == 0) return false;
    byte[] b = bytes.toByteArray();
    bytes.reset();
    // Hugging Face's ByteFallback decoder: valid UTF-8 becomes text, otherwise one U+FFFD per byte.
    java.nio.charset.CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder();
    try {
      sb.append(dec.decode(java.nio.ByteBuffer.wrap(b)));
    } catch (java.nio.charset.CharacterCodingException e) {
      sb.append("\uFFFD".repeat(b.length));
    }
    return true;
  }
}
