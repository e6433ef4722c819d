package io.papers4j.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
  private final AtomicLong now = new AtomicLong(0);

  private String text() {
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void plain_mode_prints_first_periodic_and_last_lines() {
    long sec = 1_000_000_000L;
    try (ProgressBar bar =
        new ProgressBar("train", 100, "tok", out, ProgressBar.Mode.PLAIN, now::get, 10 * sec)) {
      for (int step = 1; step <= 100; step++) {
        now.addAndGet(sec); // one second per step
        bar.update(step, 5.0 - step * 0.01, 1000, "lr", 3e-4);
      }
    }
    String[] lines = text().split("\n");
    // step 1, then every 10 s (11, 21, ..., 91), then the final step 100.
    assertThat(lines).hasSize(11);
    assertThat(text()).doesNotContain("\r");
    assertThat(lines[0]).startsWith("train    1/100   1% 00:01<01:39").contains("loss 4.9900")
        .contains("1.0k tok/s").contains("lr 3.00e-04");
    assertThat(lines[10]).contains("100/100 100%").contains("01:40<00:00").contains("loss 4.0000");
  }

  @Test
  void tty_mode_redraws_in_place_and_ends_with_newline() {
    try (ProgressBar bar = new ProgressBar("eval", 3, "img", out, ProgressBar.Mode.TTY, now::get, 0)) {
      for (int step = 1; step <= 3; step++) {
        now.addAndGet(200_000_000L);
        bar.update(step, Double.NaN, 8);
      }
      bar.log("a message");
    }
    String t = text();
    assertThat(t).startsWith("\reval  1/3  33% |######..............|");
    assertThat(t).contains("\r3/3".substring(1)).contains("a message\n");
    assertThat(t).endsWith("\n");
    assertThat(t).doesNotContain("loss");
    assertThat(t).contains("img/s");
  }

  @Test
  void resumed_bar_estimates_from_steps_done_in_this_run() {
    try (ProgressBar bar =
        new ProgressBar("train", 200, "tok", out, ProgressBar.Mode.PLAIN, now::get, 0).resumedAt(100)) {
      now.addAndGet(10_000_000_000L);
      bar.update(150, 1.0, 0);
    }
    // 50 steps in 10 s, 50 to go: ETA 10 s.
    assertThat(text()).contains("150/200  75% 00:10<00:10");
  }

  @Test
  void off_mode_prints_nothing() {
    try (ProgressBar bar = new ProgressBar("x", 10, "tok", out, ProgressBar.Mode.OFF, now::get, 0)) {
      bar.update(10, 1.0, 5);
      bar.log("hidden");
    }
    assertThat(text()).isEmpty();
  }

  @Test
  void formats() {
    assertThat(ProgressBar.clockTime(3725)).isEqualTo("1:02:05");
    assertThat(ProgressBar.clockTime(65)).isEqualTo("01:05");
    assertThat(ProgressBar.si(12345)).isEqualTo("12.3k");
    assertThat(ProgressBar.si(2.5e6)).isEqualTo("2.5M");
  }
}
