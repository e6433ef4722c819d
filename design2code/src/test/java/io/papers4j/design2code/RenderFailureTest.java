package io.papers4j.design2code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A page that fell back to the blank image is refused, never scored as if it had rendered. */
class RenderFailureTest {
  @Test
  void aBlankFallbackOnEitherSideRefusesTheScores() {
    Scorer scorer = new Scorer(null, new PatchStatsEncoder());
    Scorer.Page ok = new Scorer.Page(Chromium.blank(), List.of(), 0);
    Scorer.Page failed = new Scorer.Page(Chromium.blank(), List.of(), 1);
    assertThat(ok.rendered()).isTrue();
    assertThat(failed.rendered()).isFalse();
    assertThatThrownBy(() -> scorer.score(ok, failed)).isInstanceOf(Scorer.RenderFailedException.class)
        .hasMessageContaining("the candidate page could not be rendered");
    assertThatThrownBy(() -> scorer.score(failed, ok)).hasMessageContaining("the reference page could not be rendered");
    // two pages that did render are scored (blank against blank: no blocks, so only the visual score)
    assertThat(scorer.score(ok, ok).block()).isZero();
  }
}
