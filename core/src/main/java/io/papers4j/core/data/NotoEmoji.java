package io.papers4j.core.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * The Noto colour emoji (Debian {@code fonts-noto-color-emoji}, OFL-1.1) with their names, read
 * straight from the font file: the {@code cmap} format-12 table maps a code point to a glyph, the
 * {@code CBLC} index (format 1 subtables) locates the glyph's bitmap in {@code CBDT}, and image
 * format 17 holds it as a 136×128 PNG. Only single-code-point emoji are taken (no flags, skin-tone
 * or ZWJ sequences); the name is the code point's Unicode character name from the JDK, lower-cased
 * ("grinning face"), so no second package is needed. Code points the JDK cannot name (newer than
 * its Unicode version), ASCII keycap bases, combining marks, flags' regional indicators and the skin-tone modifiers
 * are skipped.
 */
public final class NotoEmoji {
  public static final Path DEFAULT_FONT = Path.of("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf");
  public static final String DEBIAN_PACKAGE = "fonts-noto-color-emoji";
  /** Unicode's emoji-test.txt (Debian {@code unicode-data}): the emoji groups of the keyboard palette. */
  public static final Path EMOJI_TEST = Path.of("/usr/share/unicode/emoji/emoji-test.txt");
  public static final String EMOJI_TEST_PACKAGE = "unicode-data";
  /**
   * The groups of emoji-test.txt by the first word of their name ("Food & Drink" → {@code food});
   * "Component" (skin tones and hair, not taken here) is left out.
   */
  public static final List<String> GROUPS = List.of("smileys", "people", "animals", "food", "travel", "activities", "objects", "symbols", "flags");

  /** One emoji: its code point, name and the font's colour bitmap (ARGB, 136×128 in Noto). */
  public record Emoji(int codePoint, String name, BufferedImage bitmap) {}

  private NotoEmoji() {}

  /** Every named single-code-point emoji of the font, in code-point order. */
  public static List<Emoji> load(Path font) {
    if (!Files.isRegularFile(font)) {
      throw new IllegalArgumentException(font + ": Noto colour emoji font not found (install the Debian package " + DEBIAN_PACKAGE + ")");
    }
    ByteBuffer f;
    try {
      f = ByteBuffer.wrap(Files.readAllBytes(font));
    } catch (IOException e) {
      throw new IllegalArgumentException(font + ": cannot read: " + e.getMessage(), e);
    }
    try {
      Map<String, Integer> tables = tables(f);
      for (String t : new String[] {"cmap", "CBLC", "CBDT"}) {
        if (!tables.containsKey(t)) throw new IllegalArgumentException(font + ": no " + t + " table (not a CBDT colour emoji font)");
      }
      TreeMap<Integer, Integer> glyphOf = cmap12(f, tables.get("cmap"), font);
      Map<Integer, Integer> pngAt = bitmapOffsets(f, tables.get("CBLC"), tables.get("CBDT"), font);
      List<Emoji> out = new ArrayList<>();
      for (Map.Entry<Integer, Integer> e : glyphOf.entrySet()) {
        int cp = e.getKey();
        if (cp < 0xA0 || (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0x1F1E6 && cp <= 0x1F1FF) || (cp >= 0xE0000)) continue;
        int type = Character.getType(cp);
        if (type == Character.ENCLOSING_MARK || type == Character.NON_SPACING_MARK) continue; // keycap and variation marks
        String name = Character.getName(cp);
        Integer at = pngAt.get(e.getValue());
        if (name == null || at == null) continue;
        int len = f.getInt(at + 5); // after smallGlyphMetrics (5 bytes): uint32 dataLen, then PNG
        byte[] png = new byte[len];
        f.get(at + 9, png);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        if (img == null) throw new IllegalArgumentException(font + ": glyph " + e.getValue() + " is not a PNG");
        out.add(new Emoji(cp, name.toLowerCase(Locale.ROOT), img));
      }
      if (out.isEmpty()) throw new IllegalArgumentException(font + ": no named emoji found");
      return out;
    } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException(font + ": malformed font (a table points outside the file)", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(font + ": unreadable embedded PNG: " + e.getMessage(), e);
    }
  }

  /**
   * Code point → group key ({@link #GROUPS}) of every single-code-point line of an emoji-test.txt:
   * the code point column with its emoji presentation selector (FE0F) removed holds one code point.
   */
  public static Map<Integer, String> groups(Path emojiTest) {
    if (!Files.isRegularFile(emojiTest)) {
      throw new IllegalArgumentException(emojiTest + ": Unicode emoji-test.txt not found (install the Debian package " + EMOJI_TEST_PACKAGE + ")");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(emojiTest);
    } catch (IOException e) {
      throw new IllegalArgumentException(emojiTest + ": cannot read: " + e.getMessage(), e);
    }
    Map<Integer, String> out = new HashMap<>();
    String group = null;
    for (String line : lines) {
      if (line.startsWith("# group:")) {
        group = line.substring("# group:".length()).trim().split("[ &]+")[0].toLowerCase(Locale.ROOT);
        continue;
      }
      if (line.isBlank() || line.startsWith("#") || group == null || !GROUPS.contains(group)) continue;
      int semi = line.indexOf(';');
      if (semi < 0) continue;
      List<String> cps = new ArrayList<>();
      for (String cp : line.substring(0, semi).trim().split("\\s+")) if (!cp.equalsIgnoreCase("FE0F")) cps.add(cp);
      if (cps.size() != 1) continue;
      try {
        out.putIfAbsent(Integer.parseInt(cps.get(0), 16), group);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(emojiTest + ": malformed code point '" + cps.get(0) + "' in line: " + line);
      }
    }
    if (out.isEmpty()) throw new IllegalArgumentException(emojiTest + ": no emoji group lines found (not an emoji-test.txt)");
    return out;
  }

  /** The emoji of {@code all} in {@code group} ({@link #GROUPS}) by {@code emojiTest}, in their order; "all" keeps every one. */
  public static List<Emoji> inGroup(List<Emoji> all, String group, Path emojiTest) {
    if (group.equals("all")) return all;
    if (!GROUPS.contains(group)) throw new IllegalArgumentException("emoji group must be all or one of " + String.join(", ", GROUPS) + ", got " + group);
    Map<Integer, String> g = groups(emojiTest);
    List<Emoji> out = new ArrayList<>();
    for (Emoji e : all) if (group.equals(g.get(e.codePoint()))) out.add(e);
    if (out.isEmpty()) throw new IllegalArgumentException("no emoji of the font are in group " + group);
    return out;
  }

  /** The emoji bitmap scaled (area averaging, aspect kept, centred) onto a {@code size}² RGB canvas of {@code background}. */
  public static BufferedImage render(Emoji e, int size, Color background) {
    BufferedImage src = e.bitmap();
    double s = (double) size / Math.max(src.getWidth(), src.getHeight());
    int w = Math.max(1, (int) Math.round(src.getWidth() * s)), h = Math.max(1, (int) Math.round(src.getHeight() * s));
    Image scaled = src.getScaledInstance(w, h, Image.SCALE_AREA_AVERAGING);
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(background);
    g.fillRect(0, 0, size, size);
    g.drawImage(scaled, (size - w) / 2, (size - h) / 2, null);
    g.dispose();
    return out;
  }

  private static Map<String, Integer> tables(ByteBuffer f) {
    int n = f.getShort(4) & 0xffff;
    Map<String, Integer> t = new HashMap<>();
    for (int i = 0; i < n; i++) {
      int rec = 12 + 16 * i;
      byte[] tag = new byte[4];
      f.get(rec, tag);
      t.put(new String(tag, java.nio.charset.StandardCharsets.US_ASCII), f.getInt(rec + 8));
    }
    return t;
  }

  /** Code point → glyph id from the (3, 10) format-12 subtable. */
  private static TreeMap<Integer, Integer> cmap12(ByteBuffer f, int cmap, Path font) {
    int n = f.getShort(cmap + 2) & 0xffff;
    for (int i = 0; i < n; i++) {
      int rec = cmap + 4 + 8 * i;
      int sub = cmap + f.getInt(rec + 4);
      if ((f.getShort(sub) & 0xffff) != 12) continue;
      int groups = f.getInt(sub + 12);
      TreeMap<Integer, Integer> m = new TreeMap<>();
      for (int g = 0; g < groups; g++) {
        int at = sub + 16 + 12 * g, start = f.getInt(at), end = f.getInt(at + 4), glyph = f.getInt(at + 8);
        for (int cp = start; cp <= end; cp++) m.put(cp, glyph + cp - start);
      }
      return m;
    }
    throw new IllegalArgumentException(font + ": no format-12 cmap subtable");
  }

  /** Glyph id → absolute offset of its format-17 glyph record in CBDT, from the largest strike. */
  private static Map<Integer, Integer> bitmapOffsets(ByteBuffer f, int cblc, int cbdt, Path font) {
    int strikes = f.getInt(cblc + 4);
    if (strikes < 1) throw new IllegalArgumentException(font + ": CBLC has no bitmap strike");
    int best = 0, bestPpem = -1;
    for (int s = 0; s < strikes; s++) {
      int ppem = f.get(cblc + 8 + 48 * s + 44) & 0xff;
      if (ppem > bestPpem) {
        bestPpem = ppem;
        best = s;
      }
    }
    int size = cblc + 8 + 48 * best;
    int arrayOffset = cblc + f.getInt(size), subtables = f.getInt(size + 8);
    Map<Integer, Integer> out = new HashMap<>();
    for (int k = 0; k < subtables; k++) {
      int rec = arrayOffset + 8 * k;
      int first = f.getShort(rec) & 0xffff, last = f.getShort(rec + 2) & 0xffff, head = arrayOffset + f.getInt(rec + 4);
      int indexFormat = f.getShort(head) & 0xffff, imageFormat = f.getShort(head + 2) & 0xffff, imageData = f.getInt(head + 4);
      if (indexFormat != 1 || imageFormat != 17) continue; // only the layout Noto uses: uint32 offsets, PNG with small metrics
      for (int gl = first; gl <= last; gl++) {
        int o = f.getInt(head + 8 + 4 * (gl - first)), next = f.getInt(head + 8 + 4 * (gl - first + 1));
        if (next > o) out.put(gl, cbdt + imageData + o);
      }
    }
    return out;
  }
}
