package io.papers4j.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SIGTERM (or Ctrl-C) while a training step runs inside libtorch must end the process cleanly.
 * Before {@code core.tensor.NativeExit} the JVM ran libtorch's C++ static destructors while the
 * training thread was still in {@code Tensor.backward}, which crashed with SIGSEGV in
 * {@code at::accelerator::getAccelerator} (seen in a killed {@code reproduce yi-depth}); with the old
 * {@code Trainer} this child crashed in that frame in 4 of 4 kills.
 */
class ExitDuringStepTest {
  @TempDir Path tmp;

  @Test
  void a_sigterm_during_a_step_ends_the_process_between_steps_without_a_crash() throws Exception {
    for (int trial = 0; trial < 3; trial++) {
      Path dir = tmp.resolve("trial" + trial);
      Files.createDirectories(dir);
      String java = ProcessHandle.current().info().command().orElse("java");
      Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          ExitDuringStepChild.class.getName(), dir.resolve("run").toString())
          .directory(dir.toFile()).redirectErrorStream(true).start();
      StringBuilder output = new StringBuilder();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.append(line).append('\n');
          if (line.equals("backward 3")) {
            p.toHandle().destroy(); // SIGTERM while step 3 is in Tensor.backward (Process.destroy would also close our pipe)
          }
        }
      } finally {
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
      }
      String out = output.toString();
      assertThat(out).as("child output").contains("step 2").doesNotContain("fatal error").doesNotContain("SIGSEGV");
      assertThat(p.exitValue()).as("exit status after SIGTERM; output:%n%s", out).isEqualTo(143);
      try (Stream<Path> files = Files.list(dir)) {
        List<String> crashLogs = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("hs_err")).toList();
        assertThat(crashLogs).as("JVM crash logs").isEmpty();
      }
    }
  }
}
