package io.papers4j.cli;

import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.report.Reproduction;
import io.papers4j.core.report.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes reports/index.html: one row per system with its verdict and links to its report, "failed"
 * with the message where its last run failed ({@code error.txt}), or "not run yet".
 */
final class IndexPage {
  private IndexPage() {}

  static Path write(Path reports, Map<String, Reproduction> all) throws IOException {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>papers4j reports</title>\n")
        .append("<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em}")
        .append(".yes{color:#070}.no{color:#a00}</style></head><body>\n")
        .append("<h1>papers4j reproductions</h1>\n<table>\n")
        .append("<tr><th>system</th><th>claim</th><th>preset</th><th>reproduced</th>")
        .append("<th>runtime (s)</th><th>report</th></tr>\n");
    for (Reproduction r : all.values()) {
      Path dir = reports.resolve(r.name());
      Path json = dir.resolve(ReproduceRun.RESULT);
      Path error = dir.resolve(ReproduceRun.ERROR);
      h.append("<tr><td>").append(esc(r.name())).append("</td>");
      if (Files.exists(error)) { // the last run failed: its message, never an older verdict
        h.append("<td>").append(esc(r.title())).append("</td><td colspan=\"4\" class=\"no\">failed: ")
            .append(esc(Files.readString(error).strip())).append("</td>");
      } else if (Files.exists(json)) {
        Map<String, Object> m = Result.readJson(json);
        boolean ok = Boolean.TRUE.equals(m.get("reproduced"));
        h.append("<td>").append(esc(String.valueOf(m.get("claim")))).append("</td>")
            .append("<td>").append(esc(String.valueOf(m.get("preset")))).append("</td>")
            .append("<td class=\"").append(ok ? "yes\">yes" : "no\">no").append("</td>")
            .append("<td>").append(String.format("%.0f", ((Number) m.get("runtime_s")).doubleValue()))
            .append("</td><td><a href=\"").append(r.name()).append("/README.md\">README</a> · ")
            .append("<a href=\"").append(r.name()).append("/result.json\">result.json</a>");
        try (var files = Files.list(dir)) {
          files.filter(p -> p.toString().endsWith(".png")).sorted().forEach(p ->
              h.append(" · <a href=\"").append(r.name()).append('/').append(p.getFileName())
                  .append("\">").append(esc(p.getFileName().toString())).append("</a>"));
        }
        h.append("</td>");
      } else {
        h.append("<td>").append(esc(r.title())).append("</td><td colspan=\"4\">not run yet</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n</body></html>\n");
    Path index = reports.resolve("index.html");
    AtomicFiles.writeString(index, h.toString());
    return index;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
