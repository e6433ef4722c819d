package io.papers4j.datapipe.repro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.report.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The reproduction's README.md: funnel table, dedup quality, our numbers beside the paper's. */
final class YiDataReadme {
  private YiDataReadme() {}

  @SuppressWarnings("unchecked")
  static String render(Result r, JsonNode stats, Map<String, Object> dedup) {
    StringBuilder sb = new StringBuilder();
    sb.append("# yi-data — Yi's cascaded filtering and deduplication (arXiv 2403.04652, §2.1)\n\n");
    sb.append(String.format(Locale.ROOT, "Preset `%s`, seed %d, %.0f s on a shared, loaded 2-core machine. Reproduced: **%s**.%n%n",
        r.preset(), r.seed(), r.runtimeS(), r.reproduced() ? "yes" : "no"));
    sb.append("Claim: ").append(r.claim()).append(".\n\n");
    sb.append("Run it: `papers4j reproduce yi-data [--quick|--full]`. The same cascade from the CLI: "
        + "`papers4j datapipe run --input corpus.jsonl --output out/` (corpus and per-stage statistics are in `stats.json`).\n\n");
    sb.append("## Funnel (Yi Fig. 1 order)\n\n");
    sb.append("Yi shows its funnel only as a figure and publishes no per-stage counts or thresholds, so there is no paper column; "
        + "thresholds are Gopher's (heuristics) and RefinedWeb-like (dedup), as labelled in docs/datapipe.md.\n\n");
    sb.append("| stage | in | kept | removed | shortened | main reasons | seconds |\n|---|---:|---:|---:|---:|---|---:|\n");
    JsonNode in = stats.get("ingest");
    sb.append(String.format(Locale.ROOT, "| ingest | %d | %d | %d | | %s | |%n", in.get("records").asLong(), in.get("documents").asLong(),
        in.get("records").asLong() - in.get("documents").asLong(), in.get("skipped").toString().replace("|", "/")));
    for (JsonNode s : stats.get("stages")) {
      sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s | %.1f |%n", s.get("name").asText(), s.get("input").asLong(),
          s.get("kept").asLong(), s.get("removed").asLong(), s.get("modified").asLong(), s.get("removedByReason").toString().replace("|", "/"), s.get("seconds").asDouble()));
    }
    sb.append("\n![funnel](funnel.png)\n\n");
    sb.append("Share of each source removed by the whole cascade (`planted-*` are the injected documents):\n\n");
    sb.append("| source | removed |\n|---|---:|\n");
    ((Map<String, Object>) r.metrics().get("removed_share_by_source"))
        .forEach((k, v) -> sb.append(String.format(Locale.ROOT, "| %s | %.2f |%n", k, (Double) v)));
    sb.append("\n## Near-duplicate quality (MinHash-LSH alone, English documents)\n\n");
    sb.append(String.format(Locale.ROOT,
        "Truth = the planting record: %d documents after dropping %d real documents that have an earlier real near-duplicate "
            + "(word 2-gram Jaccard >= 0.3; Debian copyright files repeat whole licences) and %d planted copies of them; %d planted "
            + "copies should go, %d of them exact copies or 5-10%% token edits (the research note's near-duplicates). A removed "
            + "real document is a false positive. The 'vs exact J' columns use the arm's own shingles and threshold as truth, the "
            + "similarity that exact verification checks, so their precision is 1.0 by construction there.%n%n",
        (Integer) dedup.get("near_dup_documents_in"), (Integer) dedup.get("near_dup_dropped_natural"),
        (Integer) dedup.get("near_dup_dropped_copies"), (Integer) dedup.get("near_dup_planted"),
        (Integer) dedup.get("near_dup_criterion_planted")));
    sb.append("| variant | shingles / J / bands x rows | planted precision | recall: exact + 5-10% edits | recall: all planted "
        + "| removed (real) | vs exact J: precision | vs exact J: recall | seconds |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    ((Map<String, Object>) dedup.get("minhash_variants")).forEach((k, v) -> {
      Map<String, Object> m = (Map<String, Object>) v;
      sb.append(String.format(Locale.ROOT, "| %s | %d / %.1f / %s | %.3f | %.3f | %.3f | %d (%d) | %.3f | %.3f | %.1f |%n", k,
          (Integer) m.get("shingles"), (Double) m.get("threshold"), m.get("bands_x_rows"), (Double) m.get("planted_precision"),
          (Double) m.get("criterion_recall"), (Double) m.get("planted_recall"), (Integer) m.get("removed"), (Integer) m.get("removed_real"),
          (Double) m.get("jaccard_precision"), (Double) m.get("jaccard_recall"), (Double) m.get("seconds")));
    });
    sb.append("\nCriterion (research note): precision >= 0.95 and recall >= 0.95 on exact copies + 5-10% edits. `own` = our bands x rows "
        + "LSH; `exact`/`signature`/`none` = how candidates are confirmed (exact shingle Jaccard, MinHash estimate, or not at all as in "
        + "RefinedWeb). `mllib` = Spark MLlib's MinHashLSH (OR-ed single-hash tables, exact verification), run in the full preset.\n\n");
    Map<String, Map<String, Double>> rm = (Map<String, Map<String, Double>>) dedup.get("planted_removed_by_category");
    Map<String, Double> jj = (Map<String, Double>) dedup.get("planted_mean_jaccard_by_category");
    List<String> arms = new ArrayList<>(rm.keySet());
    sb.append("Planted copies removed, by kind:\n\n| kind | mean exact 5-gram J to source |");
    arms.forEach(a -> sb.append(" ").append(a).append(" |"));
    sb.append("\n|---|---:|").append("---:|".repeat(arms.size())).append("\n");
    for (String cat : jj.keySet()) {
      sb.append(String.format(Locale.ROOT, "| %s | %.3f |", cat.equals("exact") ? "exact copy" : cat + " token edits", jj.get(cat)));
      for (String a : arms) sb.append(String.format(Locale.ROOT, " %.2f |", rm.get(a).getOrDefault(cat, Double.NaN)));
      sb.append("\n");
    }
    sb.append("\nWith word 5-grams one edited word changes up to five shingles, so copies with 5% or more edits fall below J = 0.8 "
        + "and the default settings keep them; word 2-grams break at most two shingles per edit.\n\n"
        + "![near-duplicates](near-duplicates.png)\n\n![s-curve](s-curve.png)\n\n");
    sb.append("## Notes\n\n").append(r.notes()).append("\n\nData: Debian packages (copyright files of installed packages, "
        + "`/usr/share/common-licenses`, `bible-kjv` (public domain KJV text), translated man pages, dpkg file lists).\n");
    try {
      sb.append("\n## Raw metrics\n\n```json\n").append(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(r.paperReference())).append("\n```\n");
    } catch (Exception e) {
      // the README is still useful without the raw block
    }
    return sb.toString();
  }
}
