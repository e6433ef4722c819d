package io.papers4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.report.Reproduction;
import io.papers4j.core.report.Result;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproduceRunTest {
  @TempDir Path reports;

  /** A reproduction that counts its runs and succeeds, or fails when told to. */
  static final class Fake implements Reproduction {
    final String name;
    boolean fail;
    int runs;

    Fake(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String title() {
      return "fake " + name;
    }

    @Override
    public Result run(String preset, Path outDir) throws Exception {
      runs++;
      if (fail) throw new IllegalStateException("boom in " + name);
      Result r = Result.builder(name, "0000.00000").claim("claim of " + name).preset(preset).runtimeS(12)
          .metric("x", runs).reproduced(true).notes("n").build();
      r.write(outDir);
      return r;
    }
  }

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  private Map<String, ReproduceRun.Status> run(String preset, boolean force, Map<String, String> code, Fake... fakes)
      throws Exception {
    Map<String, Reproduction> all = new LinkedHashMap<>();
    for (Fake f : fakes) all.put(f.name(), f);
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    return new ReproduceRun(reports, preset, force, r -> code.get(r.name()), out).run(List.of(fakes), all);
  }

  private String log() {
    return log.toString(StandardCharsets.UTF_8);
  }

  @Test
  void a_rerun_skips_systems_whose_result_is_current_for_the_same_code_and_preset() throws Exception {
    Fake a = new Fake("a");
    Fake b = new Fake("b");
    Map<String, String> code = new LinkedHashMap<>(Map.of("a", "sha256:1", "b", "sha256:2"));
    assertThat(run("quick", false, code, a, b)).containsValues(ReproduceRun.Status.DONE);
    assertThat(Result.readJson(reports.resolve("a/result.json"))).containsEntry("code_fingerprint", "sha256:1");
    assertThat(log()).contains("system 1 of 2: reproduce a (quick)").contains("system 2 of 2: reproduce b (quick)")
        .contains("left for 2 systems");

    // same code, same preset: both skipped
    Map<String, ReproduceRun.Status> again = run("quick", false, code, a, b);
    assertThat(again.values()).containsOnly(ReproduceRun.Status.SKIPPED);
    assertThat(a.runs).isEqualTo(1);
    assertThat(b.runs).isEqualTo(1);

    // b's code changed: only b runs; the estimate uses b's recorded 12 s
    code.put("b", "sha256:3");
    Map<String, ReproduceRun.Status> changed = run("quick", false, code, a, b);
    assertThat(changed).containsEntry("a", ReproduceRun.Status.SKIPPED).containsEntry("b", ReproduceRun.Status.DONE);
    assertThat(a.runs).isEqualTo(1);
    assertThat(b.runs).isEqualTo(2);
    assertThat(log()).contains("system 2 of 2: reproduce b (quick); about 12 s left for 1 system");

    // another preset is not current
    run("full", false, code, a);
    assertThat(a.runs).isEqualTo(2);

    // --force reruns a current system
    run("full", true, code, a);
    assertThat(a.runs).isEqualTo(3);
  }

  /** A reproduction with parts "x" and "y" that records which parts each run was asked for. */
  static final class Parted extends io.papers4j.core.report.TimedReproduction {
    final List<List<String>> asked = new java.util.ArrayList<>();

    Parted() {
      super("p", "0000.00000", "parted", "claim of p");
    }

    @Override
    public List<String> parts() {
      return List.of("x", "y");
    }

    @Override
    protected Result reproduce(String preset, Path outDir, Context run) {
      asked.add(run.parts());
      return run.result().metric("x_ran", run.runs("x")).metric("y_ran", run.runs("y")).reproduced(true).notes("n").build();
    }
  }

  @Test
  void a_run_of_parts_is_marked_partial_is_never_skipped_and_never_counts_as_current_for_a_whole_run() throws Exception {
    Parted p = new Parted();
    Map<String, Reproduction> all = Map.of("p", p);
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    new ReproduceRun(reports, "quick", List.of("Y"), false, r -> "sha256:1", out).run(List.of(p), all);
    assertThat(p.asked).containsExactly(List.of("y"));
    @SuppressWarnings("unchecked")
    Map<String, Object> metrics = (Map<String, Object>) Result.readJson(reports.resolve("p/result.json")).get("metrics");
    assertThat(metrics).containsEntry("parts", List.of("y")).containsEntry("x_ran", false).containsEntry("y_ran", true)
        .containsKey("parts_measured_at");
    assertThat((String) metrics.get("parts_measured_at")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC");
    assertThat(log()).contains("reproduce p (quick, part Y)");
    // same code and preset: the partial report is not current, so a whole run runs (every part)
    new ReproduceRun(reports, "quick", false, r -> "sha256:1", out).run(List.of(p), all);
    assertThat(p.asked).containsExactly(List.of("y"), List.of());
    @SuppressWarnings("unchecked")
    Map<String, Object> whole = (Map<String, Object>) Result.readJson(reports.resolve("p/result.json")).get("metrics");
    assertThat(whole).doesNotContainKey("parts").containsEntry("x_ran", true);
    // now current for a whole run, but a run of parts still runs
    new ReproduceRun(reports, "quick", false, r -> "sha256:1", out).run(List.of(p), all);
    assertThat(p.asked).hasSize(2);
    new ReproduceRun(reports, "quick", List.of("x"), false, r -> "sha256:1", out).run(List.of(p), all);
    assertThat(p.asked).hasSize(3).last().isEqualTo(List.of("x"));
  }

  @Test
  void an_unknown_part_or_parts_of_a_reproduction_without_parts_give_one_message() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Parted().run("quick", List.of("z"), reports))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown part 'z' of p; its parts: x, y");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Fake("a").run("quick", List.of("x"), reports))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("a has no parts to run alone");
  }

  @Test
  void an_unknown_fingerprint_is_never_current() throws Exception {
    Fake a = new Fake("a");
    Map<String, String> code = Map.of("a", CodeFingerprint.UNKNOWN);
    run("quick", false, code, a);
    run("quick", false, code, a);
    assertThat(a.runs).isEqualTo(2);
  }

  @Test
  void a_failed_system_shows_as_failed_in_the_index_never_its_older_verdict() throws Exception {
    Fake a = new Fake("a");
    Fake b = new Fake("b");
    Map<String, String> code = new LinkedHashMap<>(Map.of("a", "sha256:1", "b", "sha256:2"));
    run("quick", false, code, a, b);
    String before = Files.readString(reports.resolve("index.html"));
    assertThat(before).contains("claim of a").doesNotContain("failed");

    code.put("a", "sha256:changed");
    a.fail = true;
    Map<String, ReproduceRun.Status> outcome = run("quick", false, code, a, b);
    assertThat(outcome).containsEntry("a", ReproduceRun.Status.FAILED).containsEntry("b", ReproduceRun.Status.SKIPPED);
    assertThat(reports.resolve("a/result.json")).doesNotExist();
    assertThat(reports.resolve("a/error.txt")).content().contains("boom in a");
    String index = Files.readString(reports.resolve("index.html"));
    String rowA = index.substring(index.indexOf("<tr><td>a</td>"), index.indexOf("</tr>", index.indexOf("<tr><td>a</td>")));
    assertThat(rowA).contains("failed: java.lang.IllegalStateException: boom in a").doesNotContain("claim of a")
        .doesNotContain("class=\"yes\"");
    assertThat(index).contains("claim of b");

    // a failed system is not current: the next run retries it and, on success, shows the new verdict
    a.fail = false;
    assertThat(run("quick", false, code, a, b)).containsEntry("a", ReproduceRun.Status.DONE);
    assertThat(reports.resolve("a/error.txt")).doesNotExist();
    assertThat(Files.readString(reports.resolve("index.html"))).contains("claim of a").doesNotContain("failed");
  }

  @Test
  void fingerprint_covers_the_module_and_its_papers4j_dependencies(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    write(root, "core/pom.xml", "<artifactId>papers4j-core</artifactId>");
    write(root, "core/src/main/java/A.java", "class A {}");
    write(root, "lm/pom.xml", "<artifactId>papers4j-lm</artifactId><dependency><artifactId>papers4j-core</artifactId></dependency>");
    write(root, "lm/src/main/java/B.java", "class B {}");
    write(root, "vision/pom.xml", "<artifactId>papers4j-vision</artifactId><artifactId>papers4j-core</artifactId>");
    write(root, "vision/src/main/java/C.java", "class C {}");
    assertThat(CodeFingerprint.withDependencies(root, "lm")).containsExactly("core", "lm");
    String lm = CodeFingerprint.of(root, "lm");
    String vision = CodeFingerprint.of(root, "vision");
    assertThat(CodeFingerprint.of(root, "lm")).isEqualTo(lm).startsWith("sha256:");

    write(root, "core/src/main/java/A.java", "class A { int x; }"); // core changes both
    assertThat(CodeFingerprint.of(root, "lm")).isNotEqualTo(lm);
    assertThat(CodeFingerprint.of(root, "vision")).isNotEqualTo(vision);
    String lm2 = CodeFingerprint.of(root, "lm");
    write(root, "vision/src/main/java/C.java", "class C { int y; }"); // vision does not change lm
    assertThat(CodeFingerprint.of(root, "lm")).isEqualTo(lm2);
  }

  @Test
  void durations_read_like_a_person_would_say_them() {
    assertThat(ReproduceRun.duration(42)).isEqualTo("42 s");
    assertThat(ReproduceRun.duration(150)).isEqualTo("3 min");
    assertThat(ReproduceRun.duration(3 * 3600 + 20 * 60)).isEqualTo("3 h 20 min");
  }

  private static void write(Path root, String rel, String text) throws Exception {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  @Test
  void the_time_left_counts_only_runtimes_recorded_at_the_same_preset() throws Exception {
    Fake a = new Fake("a");
    Fake b = new Fake("b");
    run("smoke", false, Map.of("a", "1", "b", "1"), a, b); // each records runtime_s 12 at smoke
    ReproduceRun quick = new ReproduceRun(reports, "quick", true, r -> "1", new PrintStream(new ByteArrayOutputStream()));
    ReproduceRun smoke = new ReproduceRun(reports, "smoke", true, r -> "1", new PrintStream(new ByteArrayOutputStream()));
    List<Reproduction> pending = List.of(a, b);
    assertThat(smoke.estimateLeft(pending, Double.NaN)).isEqualTo(24.0);
    assertThat(quick.estimateLeft(pending, Double.NaN)).isEqualTo(2 * ReproduceRun.DEFAULT_SECONDS);
    assertThat(quick.estimateLeft(pending, 100.0)).isEqualTo(200.0);
  }
}
