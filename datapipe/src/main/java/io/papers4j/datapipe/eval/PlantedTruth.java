package io.papers4j.datapipe.eval;

import io.papers4j.datapipe.eval.RealCorpus.Text;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Near-duplicate truth that does not come from the similarity a detector verifies with: the corpus
 * builder knows which documents are planted copies (exact, or at a token edit rate) of which source.
 *
 * <p>Real text has duplicates of its own (Debian copyright files repeat whole licences), which no
 * planting record describes. So the evaluation set first drops every real document that has an
 * earlier real near-duplicate under a deliberately loose rule ({@code cleanThreshold}, well below
 * any detector threshold), and the planted copies of dropped sources with it. What remains has
 * exactly one kind of duplicate: a planted copy. A removed planted copy is a true positive, a removed
 * real document a false positive, whatever similarity the detector uses.
 *
 * <p>Planted documents are recognised by their source {@code planted-exact} and {@code
 * planted-near-<rate>} and name their source document as the tail of their id
 * ({@code planted/<kind>/<i>/<source id>}); other {@code planted-*} documents (e.g. a pasted
 * paragraph) are new documents and count as real ones that must be kept.
 */
public final class PlantedTruth {
  /**
   * @param docs the evaluation documents, in corpus order
   * @param planted indices into {@code docs} of the planted copies (the documents that should go)
   * @param categoryOf for each planted index its category: {@code exact} or the edit rate
   * @param droppedNatural real documents dropped as natural near-duplicates
   * @param droppedCopies planted copies dropped with their source
   */
  public record EvalSet(List<Text> docs, Set<Integer> planted, Map<Integer, String> categoryOf, int droppedNatural, int droppedCopies) {
    /** Indices of the planted copies in one category. */
    public Set<Integer> category(String name) {
      Set<Integer> s = new HashSet<>();
      categoryOf.forEach((i, c) -> {
        if (c.equals(name)) s.add(i);
      });
      return s;
    }
  }

  private PlantedTruth() {}

  /** The category of a planted copy ({@code exact} or its edit rate), or null for any other document. */
  public static String category(Text t) {
    if (t.source().equals("planted-exact")) return "exact";
    if (t.source().startsWith("planted-near-")) return t.source().substring("planted-near-".length());
    return null;
  }

  /** The id of the document a planted copy was made from ({@code planted/<kind>/<i>/<source id>}). */
  public static String sourceId(Text t) {
    String[] parts = t.id().split("/", 4);
    if (parts.length < 4) throw new IllegalArgumentException("planted document id " + t.id() + " does not name its source");
    return parts[3];
  }

  /**
   * Builds the evaluation set from {@code corpus} (real documents, then planted ones).
   *
   * @param shingleSize word shingles of the cleaning rule
   * @param cleanThreshold a real document with an earlier real one at exact Jaccard ≥ this is dropped
   */
  public static EvalSet build(List<Text> corpus, int shingleSize, double cleanThreshold) {
    List<Text> real = new ArrayList<>();
    for (Text t : corpus) if (category(t) == null) real.add(t);
    Set<Integer> natural = DedupQuality.truth(real.stream().map(Text::text).toList(), shingleSize, cleanThreshold);
    Set<String> droppedIds = new HashSet<>();
    for (int i : natural) droppedIds.add(real.get(i).id());
    List<Text> docs = new ArrayList<>();
    Set<Integer> planted = new HashSet<>();
    Map<Integer, String> categoryOf = new LinkedHashMap<>();
    int droppedCopies = 0;
    for (Text t : corpus) {
      String c = category(t);
      if (c == null) {
        if (!droppedIds.contains(t.id())) docs.add(t);
      } else if (droppedIds.contains(sourceId(t))) {
        droppedCopies++;
      } else {
        planted.add(docs.size());
        categoryOf.put(docs.size(), c);
        docs.add(t);
      }
    }
    return new EvalSet(docs, planted, categoryOf, natural.size(), droppedCopies);
  }
}
