package io.papers4j.datapipe.repro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.report.Result;
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
    sb.append("\n## Near-duplicate quality (MinHash-LSH alone, English documents, J >= 0.8 on word 5-grams)\n\n");
    sb.append(String.format(Locale.ROOT, "%d documents; exact all-pairs Jaccard says %d should go (a document goes when an earlier one has J >= 0.8).%n%n",
        (Integer) dedup.get("near_dup_documents_in"), (Integer) dedup.get("near_dup_truth_removals")));
    sb.append("| variant | precision | recall | removed | seconds | paper / criterion |\n|---|---:|---:|---:|---:|---|\n");
    ((Map<String, Object>) dedup.get("minhash_variants")).forEach((k, v) -> {
      Map<String, Object> m = (Map<String, Object>) v;
      sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %d | %.1f | >= 0.95 / >= 0.95 |%n", k, (Double) m.get("precision"),
          (Double) m.get("recall"), (Integer) m.get("removed"), (Double) m.get("seconds")));
    });
    sb.append("\n`own` = our bands x rows LSH (20 x 6 = 120 hashes); `exact`/`signature`/`none` = how candidates are confirmed "
        + "(exact shingle Jaccard, MinHash estimate, or not at all as in RefinedWeb). `mllib` = Spark MLlib's MinHashLSH "
        + "(20 OR-ed single-hash tables, exact verification), run in the full preset.\n\n");
    sb.append("Planted near-duplicates by token edit rate:\n\n| edit rate | mean exact J to source | removed |\n|---:|---:|---:|\n");
    Map<String, Double> rm = (Map<String, Double>) dedup.get("planted_near_removed_by_edit_rate");
    Map<String, Double> jj = (Map<String, Double>) dedup.get("planted_near_mean_jaccard_by_edit_rate");
    rm.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.2f |%n", k, jj.get(k), v)));
    sb.append("\nWith 5-gram shingles one edited word changes up to five shingles, so above ~3% edits most planted copies fall "
        + "below J = 0.8 and are, correctly by the criterion, kept.\n\n![near-duplicates](near-duplicates.png)\n\n![s-curve](s-curve.png)\n\n");
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
