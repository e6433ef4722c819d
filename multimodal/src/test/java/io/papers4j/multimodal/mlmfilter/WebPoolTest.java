package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.papers4j.core.data.NotoEmoji;
import io.papers4j.core.data.TangoIcons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.junit.jupiter.api.Test;

class WebPoolTest {
  @Test
  void the_standard_pool_mixes_scenes_tango_icons_and_noto_emoji_with_their_names() {
    assumeThat(Files.isRegularFile(NotoEmoji.DEFAULT_FONT)).as("install " + NotoEmoji.DEBIAN_PACKAGE).isTrue();
    assumeThat(Files.isDirectory(TangoIcons.DEFAULT_DIR)).as("install " + TangoIcons.DEBIAN_PACKAGE).isTrue();
    List<WebPool.Pair> pool = WebPool.build(400, 3, WebPool.Sources.standard());
    long emoji = pool.stream().filter(p -> p.source().equals("emoji")).count();
    long tango = pool.stream().filter(p -> p.source().equals("tango")).count();
    assertThat(emoji).isBetween(30L, 90L); // 15% of 400 = 60
    assertThat(tango).isBetween(30L, 90L);
    List<String> names = WebPool.emoji(NotoEmoji.DEFAULT_FONT).names();
    for (WebPool.Pair p : pool) {
      if (!p.source().equals("emoji")) continue;
      assertThat(p.scene()).isNull();
      assertThat(p.image().sizes().vec().get()).containsExactly(3, 32, 32);
      assertThat(p.image().lt(new Scalar(0.95)).any().item_bool()).as("an emoji is drawn, not a white square").isTrue();
      boolean named = names.stream().anyMatch(n -> p.caption().endsWith(" of " + n) || p.caption().equals(n + " emoji"));
      switch (p.defect()) {
        case "clean" -> {
          assertThat(named).as(p.caption()).isTrue();
          assertThat(p.truth().score(Metric.ITM)).isGreaterThan(50);
        }
        case "shuffled" -> {
          assertThat(named).as(p.caption()).isTrue();
          assertThat(p.truth().score(Metric.ITM)).isLessThan(50);
        }
        default -> assertThat(p.defect()).isIn("truncated", "noisy", "junk");
      }
    }
  }

  @Test
  void without_real_sources_the_pool_is_the_scene_only_pool() {
    Path none = Path.of("/nonexistent");
    List<WebPool.Pair> a = WebPool.build(200, 9, new WebPool.Sources(0.15, none, 0.15, none));
    List<WebPool.Pair> b = WebPool.build(200, 9, 0, none);
    assertThat(a).extracting(WebPool.Pair::caption).isEqualTo(b.stream().map(WebPool.Pair::caption).toList());
    assertThat(a).extracting(WebPool.Pair::source).containsOnly("scene");
  }

  @Test
  void shares_outside_zero_to_one_are_refused() {
    assertThatThrownBy(() -> new WebPool.Sources(0.7, Path.of("x"), 0.4, Path.of("y"))).hasMessageContaining("sum to <= 1");
  }
}
