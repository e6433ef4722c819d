package io.papers4j.cli;

import io.papers4j.core.report.Reproduction;
import io.papers4j.core.report.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Writes reports/index.html: one row per system with its verdict and a link to its report. */
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
      Path json = dir.resolve("result.json");
      h.append("<tr><td>").append(esc(r.name())).append("</td>");
      if (Files.exists(json)) {
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
      } else if (Files.exists(dir.resolve("error.txt"))) {
        h.append("<td colspan=\"5\" class=\"no\">failed: ")
            .append(esc(Files.readString(dir.resolve("error.txt")).strip())).append("</td>");
      } else {
        h.append("<td>").append(esc(r.title())).append("</td><td colspan=\"4\">not run yet</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n</body></html>\n");
    Files.createDirectories(reports);
    Path index = reports.resolve("index.html");
    Path tmp = Files.createTempFile(reports, ".index", ".tmp");
    Files.writeString(tmp, h);
    Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return index;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
