package io.papers4j.arena.cli;

import io.papers4j.arena.log.BattleLog;
import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.Bootstrap;
import io.papers4j.arena.stats.Leaderboard;
import io.papers4j.arena.stats.LeaderboardFormat;
import io.papers4j.arena.stats.RatingScale;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code papers4j arena ratings --battles FILE}: the leaderboard of a FastChat battle log. */
@Command(
    name = "ratings",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the leaderboard of a FastChat clean_battle log (JSON list or JSON lines; only",
      "model_a, model_b, winner are required). Only anonymous battles count (missing anony = anonymous).",
      "Without --anchor, ratings are 400·log10 odds centred at mean 1000 (FastChat's scale)."
    })
public final class RatingsCommand implements Callable<Integer> {
  @Option(names = "--battles", required = true, description = "battle log file")
  Path battles;

  @Option(names = "--method", defaultValue = "bt", description = "bt, elo or sandwich (default: ${DEFAULT-VALUE})")
  String method;

  @Option(names = "--bootstrap", defaultValue = "100", description = "bootstrap rounds (default: ${DEFAULT-VALUE})")
  int bootstrap;

  @Option(names = "--resample", defaultValue = "triples", description = "rows or triples (default: ${DEFAULT-VALUE})")
  String resample;

  @Option(names = "--seed", defaultValue = "0", description = "bootstrap seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--anchor", description = "MODEL=RATING, e.g. mixtral-8x7b-instruct-v0.1=1114")
  String anchor;

  @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default: ${DEFAULT-VALUE})")
  String format;

  @Override
  public Integer call() throws Exception {
    List<Battle> all = BattleLog.read(battles);
    List<Battle> anony = all.stream().filter(Battle::anony).toList();
    if (anony.isEmpty()) throw new IllegalArgumentException(battles + ": no anonymous battles to rate");
    RatingScale scale = RatingScale.FASTCHAT;
    if (anchor != null) {
      int eq = anchor.lastIndexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("--anchor must be MODEL=RATING, got " + anchor);
      String model = anchor.substring(0, eq);
      double rating;
      try {
        rating = Double.parseDouble(anchor.substring(eq + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--anchor rating is not a number: " + anchor);
      }
      if (anony.stream().noneMatch(b -> b.modelA().equals(model) || b.modelB().equals(model))) {
        throw new IllegalArgumentException("--anchor model " + model + " is not in " + battles);
      }
      scale = scale.withAnchor(model, rating);
    }
    Leaderboard.Method m = switch (method) {
      case "bt" -> Leaderboard.Method.BT;
      case "elo" -> Leaderboard.Method.ELO;
      case "sandwich" -> Leaderboard.Method.SANDWICH;
      default -> throw new IllegalArgumentException("--method must be bt, elo or sandwich, got " + method);
    };
    Bootstrap.Resampling how = switch (resample) {
      case "rows" -> Bootstrap.Resampling.ROWS;
      case "triples" -> Bootstrap.Resampling.TRIPLES;
      default -> throw new IllegalArgumentException("--resample must be rows or triples, got " + resample);
    };
    var rows = Leaderboard.compute(anony, new Leaderboard.Options(m, bootstrap, seed, scale, how, 0.05));
    System.out.print(switch (format) {
      case "table" -> LeaderboardFormat.table(rows);
      case "json" -> LeaderboardFormat.json(rows);
      case "csv" -> LeaderboardFormat.csv(rows);
      default -> throw new IllegalArgumentException("--format must be table, json or csv, got " + format);
    });
    return 0;
  }
}
