package io.papers4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Real Tango icons (Debian tango-icon-theme, listed in scripts/deps/vision.run). */
class TangoIconsTest {
  @Test
  void loadsDistinctIconsWithContextLabels() {
    Engine.init(1);
    assumeThat(Files.isDirectory(TangoIcons.DEFAULT_DIR)).as("install " + TangoIcons.DEBIAN_PACKAGE).isTrue();
    TangoIcons.Icons a = TangoIcons.load(TangoIcons.DEFAULT_DIR, 32, 1);
    long n = a.images().size(0);
    System.out.println("Tango 32x32: " + n + " icons in " + a.contexts());
    // tango-icon-theme 0.8.90 ships 215 distinct 32x32 PNGs (635 more names are symlinked aliases, skipped)
    assertThat(n).isBetween(150L, 300L);
    assertThat(a.contexts()).contains("actions", "apps", "places", "status");
    assertThat(a.images().shape()).containsExactly(n, 3, 32, 32);
    assertThat(a.images().min().item_float()).isGreaterThanOrEqualTo(0f);
    assertThat(a.images().max().item_float()).isLessThanOrEqualTo(1f);
    assertThat(a.labels().max().item_long()).isEqualTo(a.contexts().size() - 1);
    assertThat(a.names()).contains("address-book-new");
    // deterministic in the seed
    TangoIcons.Icons b = TangoIcons.load(TangoIcons.DEFAULT_DIR, 32, 1);
    assertThat(a.images().sub(b.images()).abs().max().item_float()).isZero();
  }

  @Test
  void missingDirectoryIsOneMessage() {
    assertThatThrownBy(() -> TangoIcons.load(Path.of("/nonexistent"), 32, 0)).hasMessageContaining("tango-icon-theme");
  }
}
