package io.papers4j.arena.stats;

import java.util.List;
import java.util.Locale;

/** Renders leaderboard rows as a text table, JSON or CSV (no web dependency). */
public final class LeaderboardFormat {
  private LeaderboardFormat() {}

  public static String table(List<Leaderboard.Row> rows) {
    int w = Math.max(5, rows.stream().mapToInt(r -> r.model().length()).max().orElse(5));
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-4s  %-" + w + "s  %7s  %-13s  %7s%n", "Rank", "Model", "Rating", "95% CI", "Votes"));
    for (Leaderboard.Row r : rows) {
      String ci = String.format(Locale.ROOT, "+%.0f/-%.0f", r.upper() - r.rating(), r.rating() - r.lower());
      sb.append(String.format(Locale.ROOT, "%-4d  %-" + w + "s  %7.0f  %-13s  %7d%n", r.rank(), r.model(), r.rating(), ci, r.votes()));
    }
    return sb.toString();
  }

  public static String csv(List<Leaderboard.Row> rows) {
    StringBuilder sb = new StringBuilder("rank,model,rating,lower,upper,votes\n");
    for (Leaderboard.Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%d,%s,%.4f,%.4f,%.4f,%d%n", r.rank(), csvField(r.model()), r.rating(), r.lower(), r.upper(), r.votes()));
    }
    return sb.toString();
  }

  public static String json(List<Leaderboard.Row> rows) {
    StringBuilder sb = new StringBuilder("[\n");
    for (int i = 0; i < rows.size(); i++) {
      Leaderboard.Row r = rows.get(i);
      sb.append(String.format(Locale.ROOT,
          "  {\"rank\": %d, \"model\": %s, \"rating\": %.4f, \"rating_q025\": %.4f, \"rating_q975\": %.4f, \"num_battles\": %d}%s%n",
          r.rank(), jsonString(r.model()), r.rating(), r.lower(), r.upper(), r.votes(), i + 1 < rows.size() ? "," : ""));
    }
    return sb.append("]\n").toString();
  }

  private static String csvField(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') sb.append('\\').append(c);
      else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.append('"').toString();
  }
}
