package io.papers4j.arena.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.arena.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RatingsCommandTest {
  @TempDir Path dir;

  private static String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true));
    try {
      int rc = new CommandLine(new ArenaCommand()).execute(args);
      assertThat(rc).isZero();
    } finally {
      System.setOut(old);
    }
    return buf.toString();
  }

  @Test
  void ratings_prints_the_arena_hard_leaderboard_as_table_json_and_csv() {
    Path f = SharedData.arenaHardBattles();
    Assumptions.assumeTrue(f != null, "needs shared/data/arena-hard-v0.1/battles.jsonl");
    String table = run("ratings", "--battles", f.toString(), "--bootstrap", "20");
    assertThat(table.lines().skip(1).findFirst().orElseThrow()).contains("claude-3-5-sonnet-20240620").contains("1132");
    String json = run("ratings", "--battles", f.toString(), "--bootstrap", "20", "--format", "json",
        "--anchor", "gpt-4o=1200");
    assertThat(json).contains("\"model\": \"gpt-4o\", \"rating\": 1200.0000");
    String csv = run("ratings", "--battles", f.toString(), "--method", "elo", "--bootstrap", "10", "--format", "csv");
    assertThat(csv).startsWith("rank,model,rating,lower,upper,votes\n");
    assertThat(csv.lines().count()).isEqualTo(6);
  }

  @Test
  void simulate_then_ratings_recovers_the_true_order() throws Exception {
    Path out = dir.resolve("sim.jsonl");
    String sim = run("simulate", "--models", "4", "--votes", "20000", "--seed", "3", "--out", out.toString());
    assertThat(Files.readAllLines(out)).hasSize(20000);
    String table = run("ratings", "--battles", out.toString(), "--bootstrap", "10", "--format", "csv");
    // true order from the simulate printout vs the estimated order
    var truth = sim.lines().filter(l -> l.startsWith("  m")).map(String::trim)
        .sorted((x, y) -> Double.compare(Double.parseDouble(y.split("\\s+")[1]), Double.parseDouble(x.split("\\s+")[1])))
        .map(l -> l.split("\\s+")[0]).toList();
    var est = table.lines().skip(1).map(l -> l.split(",")[1]).toList();
    assertThat(est).isEqualTo(truth);
  }

  @Test
  void bad_options_fail_with_a_clear_message() throws Exception {
    Path f = dir.resolve("b.jsonl");
    Files.writeString(f, "{\"model_a\":\"x\",\"model_b\":\"y\",\"winner\":\"model_a\"}\n");
    CommandLine cl = new CommandLine(new ArenaCommand());
    java.io.StringWriter err = new java.io.StringWriter();
    cl.setErr(new java.io.PrintWriter(err));
    cl.setExecutionExceptionHandler((ex, c, p) -> {
      c.getErr().println(ex.getMessage());
      return 1;
    });
    assertThat(cl.execute("ratings", "--battles", f.toString(), "--anchor", "zzz=1000")).isEqualTo(1);
    assertThat(err.toString()).contains("--anchor model zzz is not in");
    assertThat(cl.execute("ratings", "--battles", f.toString(), "--format", "xml")).isEqualTo(1);
    assertThat(err.toString()).contains("--format must be table, json or csv");
  }
}
