package io.papers4j.lm.saullm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The legal tasks, LegalBench-Instruct style: a document excerpt, a question, and an explicit
 * output-format instruction ("Answer by only outputting 'Yes' or 'No'."). The same builder makes
 * the instruction-tuning data (from training documents) and the benchmark (from held-out documents
 * only), so the tasks are the same and the documents never are.
 *
 * <p>From an SPDX licence text (its first {@value #LICENCE_CHARS} characters) and the list's
 * metadata: OSI-approved?, copyleft?, source disclosure required?, same licence for a larger
 * work?, attribution required? (the last four by the family rules of {@link LicenceFacts}).
 * From the {@code Files: *} paragraph of a DEP-5 copyright file: which licence, who is the first
 * copyright holder, in which year the copyright begins; such an example is kept only when its
 * answer can be read in the excerpt.
 */
public final class LegalTasks {
  /** Characters of a licence text shown with the question. */
  public static final int LICENCE_CHARS = 300;
  /** Characters of a copyright paragraph shown with the question. */
  public static final int COPYRIGHT_CHARS = 360;
  static final String YES_NO = "Answer by only outputting 'Yes' or 'No'.";

  /** The task names, in report order. */
  public static final List<String> TASKS = List.of("licence_osi", "licence_copyleft", "licence_source_disclosure",
      "licence_same_licence", "licence_attribution", "copyright_licence", "copyright_holder", "copyright_year");

  /** One example: its task, the full instruction (excerpt + question + format), the gold answer. */
  public record Example(String task, String docId, String instruction, String answer) {}

  private LegalTasks() {}

  /** Every example the documents support (licence documents need SPDX metadata). */
  public static List<Example> build(List<LegalCorpus.Doc> docs) {
    List<Example> out = new ArrayList<>();
    for (LegalCorpus.Doc d : docs) {
      if (d.type().equals("licence") && d.meta().get("spdx") instanceof String id) out.addAll(licence(d, id));
      else if (d.type().equals("copyright")) out.addAll(copyright(d));
    }
    return out;
  }

  static List<Example> licence(LegalCorpus.Doc d, String id) {
    String x = excerpt(d.text(), LICENCE_CHARS);
    boolean osi = Boolean.TRUE.equals(d.meta().get("osiApproved"));
    return List.of(
        yesNo("licence_osi", d, x, "Is the licence above approved by the Open Source Initiative (OSI)?", osi),
        yesNo("licence_copyleft", d, x, "Is the licence above a copyleft licence?", LicenceFacts.copyleft(id)),
        yesNo("licence_source_disclosure", d, x,
            "Does the licence above require making the source code available when the software is distributed?",
            LicenceFacts.sourceDisclosure(id)),
        yesNo("licence_same_licence", d, x,
            "Does the licence above require a larger work that includes the software to be released under the same licence?",
            LicenceFacts.sameLicence(id)),
        yesNo("licence_attribution", d, x,
            "Does the licence above require keeping the copyright notice (attribution)?", LicenceFacts.attribution(id)));
  }

  private static Example yesNo(String task, LegalCorpus.Doc d, String excerpt, String question, boolean yes) {
    return new Example(task, d.id(), excerpt + "\n\n" + question + " " + YES_NO, yes ? "Yes" : "No");
  }

  static List<Example> copyright(LegalCorpus.Doc d) {
    String para = filesStarParagraph(d.text());
    if (para == null) return List.of();
    String x = excerpt(para, COPYRIGHT_CHARS);
    List<Example> out = new ArrayList<>();
    Map<String, Object> m = d.meta();
    if (m.get("license") instanceof String lic && !lic.isBlank()) {
      out.addAll(extractIfVisible("copyright_licence", d, x, "Under which licence are the files matched by 'Files: *' distributed? "
          + "Answer by only outputting the licence's short name as written.", lic.strip()));
    }
    if (m.get("holders") instanceof List<?> hs && !hs.isEmpty()) {
      String holder = String.valueOf(hs.get(0)).replaceAll("<[^>]*>", "").replaceAll("[,;\\s]+$", "").strip();
      if (!holder.isEmpty()) {
        out.addAll(extractIfVisible("copyright_holder", d, x, "Who is the first copyright holder listed for 'Files: *'? "
            + "Answer by only outputting the holder's name.", holder));
      }
    }
    if (m.get("years") instanceof List<?> ys && !ys.isEmpty()) {
      String first = ys.stream().map(String::valueOf).min(Comparator.naturalOrder()).orElseThrow();
      out.addAll(extractIfVisible("copyright_year", d, x, "In which year does the earliest copyright for 'Files: *' begin? "
          + "Answer by only outputting the year.", first));
    }
    return out;
  }

  /** An extraction example, kept only when the normalised answer occurs in the normalised excerpt. */
  private static List<Example> extractIfVisible(String task, LegalCorpus.Doc d, String excerpt, String q, String a) {
    String na = AnswerNormalisation.normalise(a);
    if (na.isEmpty() || !AnswerNormalisation.normalise(excerpt).contains(na)) return List.of();
    return List.of(new Example(task, d.id(), excerpt + "\n\n" + q, a));
  }

  /** The {@code Files: *} paragraph of a DEP-5 file (lines up to the next blank line), or null. */
  static String filesStarParagraph(String text) {
    String[] paras = text.split("\n\\s*\n");
    for (String p : paras) {
      String s = p.strip();
      if (s.startsWith("Files:") && s.lines().findFirst().orElse("").substring(6).strip().equals("*")) return s;
    }
    return null;
  }

  /** The first {@code max} characters with runs of blank space collapsed, cut at a word boundary. */
  static String excerpt(String text, int max) {
    String s = text.replaceAll("[ \\t]+", " ").replaceAll("\\n{3,}", "\n\n").strip();
    if (s.length() <= max) return s;
    int cut = s.lastIndexOf(' ', max);
    return s.substring(0, cut > max / 2 ? cut : max) + " ...";
  }
}
