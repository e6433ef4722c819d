package io.papers4j.core.tokenize;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte-level BPE as in GPT-2: text → pre-tokenizer chunks → UTF-8 bytes as byte-level characters
 * → repeatedly merge the adjacent pair with the lowest merge rank → token ids.
 *
 * <p>Worked example (merges {@code (a,a)→256, (256,a)→257, (257,b)→258}, byte ids = byte values):
 * {@code "aaabdaaabac" → [97,97,97,98,100,...] → [258, 100, 258, 97, 99]}.
 *
 * <p>Special tokens (e.g. {@code <|endoftext|>}) are matched in the raw text before
 * pre-tokenization by {@link #encode}; {@link #encodeOrdinary} treats them as plain text. Chunk
 * encodings are cached, so encoding a large corpus costs one BPE run per distinct chunk.
 *
 * <p>Instances are immutable apart from the cache and safe to share between threads.
 */
public final class BpeTokenizer implements Tokenizer {
  private static final int CACHE_LIMIT = 200_000; // distinct chunks kept before the cache is reset

  private final String[] idToToken;
  private final Map<String, Integer> tokenToId;
  private final List<String[]> merges;
  private final Map<Long, Long> mergeTable; // pair(a, b) → rank << 32 | merged id
  private final Map<String, Integer> specialTokens;
  private final Pattern specialPattern;
  private final PreTokenizer preTokenizer;
  private final boolean ignoreMerges;
  private final int[] byteIds = new int[256];
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();

  /**
   * @param vocab token (byte-level string, or a special token's text) → id; ids need not be
   *     dense but must be unique
   * @param merges merge rules in rank order; both parts and their concatenation must be in vocab
   * @param specialTokens special token text → id (also in vocab or beyond it)
   * @param preTokenizer chunking applied before BPE
   */
  public BpeTokenizer(
      Map<String, Integer> vocab,
      List<String[]> merges,
      Map<String, Integer> specialTokens,
      PreTokenizer preTokenizer) {
    this(vocab, merges, specialTokens, preTokenizer, false);
  }

  /**
   * @param ignoreMerges when a whole chunk is already a token, use it without merging (Hugging
   *     Face's {@code ignore_merges}, set by LLaMA-3's tokenizer)
   */
  public BpeTokenizer(
      Map<String, Integer> vocab,
      List<String[]> merges,
      Map<String, Integer> specialTokens,
      PreTokenizer preTokenizer,
      boolean ignoreMerges) {
    this.ignoreMerges = ignoreMerges;
    Map<String, Integer> all = new LinkedHashMap<>(vocab);
    specialTokens.forEach(all::putIfAbsent);
    int max = all.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    idToToken = new String[max + 1];
    for (Map.Entry<String, Integer> e : all.entrySet()) {
      int id = e.getValue();
      if (id < 0) throw new IllegalArgumentException("negative id " + id + " for token '" + e.getKey() + "'");
      if (idToToken[id] != null && !idToToken[id].equals(e.getKey())) {
        throw new IllegalArgumentException(
            "id " + id + " is used by both '" + idToToken[id] + "' and '" + e.getKey() + "'");
      }
      idToToken[id] = e.getKey();
    }
    this.tokenToId = Collections.unmodifiableMap(all);
    this.specialTokens = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
    this.preTokenizer = preTokenizer;
    for (int b = 0; b < 256; b++) {
      Integer id = all.get(String.valueOf(ByteLevel.charOf(b)));
      byteIds[b] = id == null ? -1 : id;
    }
    List<String[]> ms = new ArrayList<>(merges.size());
    Map<Long, Long> table = new HashMap<>(merges.size() * 2);
    for (int rank = 0; rank < merges.size(); rank++) {
      String[] m = merges.get(rank);
      Integer a = all.get(m[0]);
      Integer b = all.get(m[1]);
      Integer ab = all.get(m[0] + m[1]);
      if (a == null || b == null || ab == null) {
        throw new IllegalArgumentException(
            "merge " + rank + " '" + m[0] + " " + m[1] + "' uses a token that is not in the vocabulary");
      }
      ms.add(new String[] {m[0], m[1]});
      // The first (lowest-rank) rule for a pair wins, as in the reference implementation.
      table.putIfAbsent(pair(a, b), ((long) rank << 32) | ab);
    }
    this.merges = Collections.unmodifiableList(ms);
    this.mergeTable = table;
    if (specialTokens.isEmpty()) {
      specialPattern = null;
    } else {
      List<String> sorted = new ArrayList<>(specialTokens.keySet());
      sorted.sort(Comparator.comparingInt(String::length).reversed()); // longest match first
      StringBuilder sb = new StringBuilder();
      for (String s : sorted) sb.append(sb.length() == 0 ? "" : "|").append(Pattern.quote(s));
      specialPattern = Pattern.compile(sb.toString());
    }
  }

  /** Highest id + 1 (the embedding table size a model needs). */
  public int vocabSize() {
    return idToToken.length;
  }

  /** Token → id, special tokens included. */
  public Map<String, Integer> vocab() {
    return tokenToId;
  }

  /** Merge rules in rank order. */
  public List<String[]> merges() {
    return merges;
  }

  public Map<String, Integer> specialTokens() {
    return specialTokens;
  }

  public PreTokenizer preTokenizer() {
    return preTokenizer;
  }

  public boolean ignoreMerges() {
    return ignoreMerges;
  }

  /** The token string of {@code id} (byte-level characters), or null for an unused id. */
  public String token(int id) {
    return id >= 0 && id < idToToken.length ? idToToken[id] : null;
  }

  /** The id of a special token, or a clear error. */
  public int specialId(String token) {
    Integer id = specialTokens.get(token);
    if (id == null) throw new IllegalArgumentException("no special token '" + token + "'");
    return id;
  }

  /** Encodes {@code text}, turning special-token text into the special ids. */
  public int[] encode(String text) {
    if (specialPattern == null) return encodeOrdinary(text);
    IntList out = new IntList(text.length() / 3 + 4);
    Matcher m = specialPattern.matcher(text);
    int pos = 0;
    while (m.find()) {
      encodeOrdinaryInto(text.substring(pos, m.start()), out);
      out.add(specialTokens.get(m.group()));
      pos = m.end();
    }
    encodeOrdinaryInto(text.substring(pos), out);
    return out.toArray();
  }

  /** Encodes {@code text} as plain text: special-token strings get no special treatment. */
  public int[] encodeOrdinary(String text) {
    IntList out = new IntList(text.length() / 3 + 4);
    encodeOrdinaryInto(text, out);
    return out.toArray();
  }

  private void encodeOrdinaryInto(String text, IntList out) {
    if (text.isEmpty()) return;
    for (String chunk : preTokenizer.split(text)) {
      int[] ids = cache.get(chunk);
      if (ids == null) {
        ids = bpe(chunk);
        if (cache.size() >= CACHE_LIMIT) cache.clear();
        cache.put(chunk, ids);
      }
      out.addAll(ids);
    }
  }

  /** BPE on one chunk: start from byte ids, merge the lowest-rank pair until none applies. */
  int[] bpe(String chunk) {
    byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
    if (ignoreMerges) {
      Integer whole = tokenToId.get(ByteLevel.encode(bytes));
      if (whole != null && !specialTokens.containsKey(ByteLevel.encode(bytes))) return new int[] {whole};
    }
    int[] sym = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      sym[i] = byteIds[bytes[i] & 0xFF];
      if (sym[i] < 0) {
        throw new IllegalStateException(
            "byte 0x" + Integer.toHexString(bytes[i] & 0xFF) + " has no token in this vocabulary");
      }
    }
    return merge(sym, mergeTable);
  }

  /**
   * The BPE loop shared by every BPE flavour: while some adjacent pair has a merge rule, merge
   * every non-overlapping occurrence (left to right) of the lowest-ranked one.
   *
   * @param table pair(a, b) → rank << 32 | merged id
   */
  static int[] merge(int[] sym, Map<Long, Long> table) {
    int n = sym.length;
    while (n > 1) {
      long best = Long.MAX_VALUE;
      for (int i = 0; i + 1 < n; i++) {
        Long v = table.get(pair(sym[i], sym[i + 1]));
        if (v != null && v < best) best = v;
      }
      if (best == Long.MAX_VALUE) break;
      int merged = (int) best;
      int w = 0;
      for (int i = 0; i < n; ) {
        if (i + 1 < n) {
          Long v = table.get(pair(sym[i], sym[i + 1]));
          if (v != null && v == best) {
            sym[w++] = merged;
            i += 2;
            continue;
          }
        }
        sym[w++] = sym[i++];
      }
      n = w;
    }
    return java.util.Arrays.copyOf(sym, n);
  }

  /** Decodes ids back to text; invalid UTF-8 (a cut multi-byte character) becomes U+FFFD. */
  public String decode(int[] ids) {
    return new String(decodeBytes(ids), StandardCharsets.UTF_8);
  }

  /** The raw bytes the ids stand for. */
  public byte[] decodeBytes(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
    for (int id : ids) {
      String t = token(id);
      if (t == null) throw new IllegalArgumentException("id " + id + " is not in the vocabulary");
      if (specialTokens.containsKey(t)) {
        out.writeBytes(t.getBytes(StandardCharsets.UTF_8));
      } else {
        ByteLevel.decodeInto(t, out);
      }
    }
    return out.toByteArray();
  }

  /** Saves as a Hugging Face {@code tokenizer.json}. */
  public void save(Path file) {
    TokenizerJson.write(this, file);
  }

  /** Loads a Hugging Face {@code tokenizer.json} (byte-level BPE). */
  public static BpeTokenizer load(Path file) {
    return TokenizerJson.read(file);
  }

  static long pair(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }

  /** A growable int array. */
  static final class IntList {
    private int[] a;
    private int n;

    IntList(int capacity) {
      a = new int[Math.max(4, capacity)];
    }

    void add(int v) {
      if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
      a[n++] = v;
    }

    void addAll(int[] vs) {
      if (n + vs.length > a.length) a = java.util.Arrays.copyOf(a, Math.max(n * 2, n + vs.length));
      System.arraycopy(vs, 0, a, n, vs.length);
      n += vs.length;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
