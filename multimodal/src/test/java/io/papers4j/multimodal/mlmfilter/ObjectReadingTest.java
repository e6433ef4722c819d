package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.multimodal.vlm.Images;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectReadingTest {
  private static final Path NONE = Path.of("/nonexistent");
  private static final List<WebPool.Pair> POOL = WebPool.build(200, 11, new WebPool.Sources(0, NONE, 0, NONE));

  @Test
  void the_main_shape_alone_changes_and_the_oracle_scores_the_clean_caption_lower() {
    List<ObjectReading.Pair> pairs = ObjectReading.pairs(POOL, 3);
    List<WebPool.Pair> clean = POOL.stream().filter(p -> p.scene() != null && p.defect().equals("clean")).toList();
    assertThat(pairs).hasSize(clean.size()).isNotEmpty();
    for (int i = 0; i < pairs.size(); i++) {
      ObjectReading.Pair x = pairs.get(i);
      Scene own = clean.get(i).scene();
      assertThat(x.caption()).isEqualTo(clean.get(i).caption());
      assertThat(x.own()).isSameAs(clean.get(i).image());
      assertThat(x.oracleOwn()).isEqualTo(100);
      assertThat(x.oracleReshaped()).as(x.caption()).isLessThan(100);
      // the re-shaped image is the render of a scene that differs from the own one in the main object's shape alone
      boolean found = false;
      for (int s = 0; s < Scene.SHAPES.size() && !found; s++) {
        if (Captions.present(own, s)) continue;
        Scene other = own.withMainShape(s);
        found = Images.toTensor(other.render()).equal(x.reshaped());
        if (found) {
          assertThat(other.objects().subList(1, other.objects().size())).isEqualTo(own.objects().subList(1, own.objects().size()));
          assertThat(other.objects().get(0).colour()).isEqualTo(own.objects().get(0).colour());
          assertThat(other.objects().get(0).position()).isEqualTo(own.objects().get(0).position());
          assertThat(x.oracleReshaped()).isEqualTo(Oracle.scene(other, clean.get(i).structure()).score(Metric.ITM));
        }
      }
      assertThat(found).as("re-shaped render of " + x.caption()).isTrue();
      assertThat(x.reshaped().equal(x.own())).isFalse();
    }
    assertThat(ObjectReading.pairs(POOL, 3).get(0).reshaped().equal(pairs.get(0).reshaped())).isTrue();
  }

  @Test
  void a_scorer_that_reads_the_object_scores_the_reshaped_scene_lower_and_a_blind_one_does_not() {
    List<ObjectReading.Pair> pairs = ObjectReading.pairs(POOL, 3);
    List<Object> reshaped = new ArrayList<>();
    for (ObjectReading.Pair p : pairs) reshaped.add(p.reshaped());
    PoolScorer.Generator reads = (batch, metric) -> batch.stream().map(it -> reshaped.contains(it.image().get()) ? "20" : "90").toList();
    ObjectReading.Result r = ObjectReading.measure(pairs, reads, 7);
    assertThat(r.pairs()).isEqualTo(pairs.size());
    assertThat(r.compared()).isEqualTo(pairs.size());
    assertThat(r.own()).isCloseTo(90, within(1e-9));
    assertThat(r.reshaped()).isCloseTo(20, within(1e-9));
    assertThat(r.lower()).isEqualTo(pairs.size());
    assertThat(r.oracleOwn()).isCloseTo(100, within(1e-9));
    assertThat(r.oracleReshaped()).isLessThan(100);

    Object first = pairs.get(0).own();
    PoolScorer.Generator blind = (batch, metric) -> batch.stream().map(it -> it.image().get() == first ? "n/a" : "90").toList();
    ObjectReading.Result b = ObjectReading.measure(pairs, blind, 7);
    assertThat(b.lower()).isZero();
    assertThat(b.own()).isEqualTo(b.reshaped());
    assertThat(b.malformed()).isEqualTo(1); // the first pair's own image: that pair is left out of the means
    assertThat(b.compared()).isEqualTo(pairs.size() - 1);
  }

  @Test
  void a_pool_without_clean_scene_captions_is_refused() {
    List<WebPool.Pair> none = POOL.stream().filter(p -> !p.defect().equals("clean")).toList();
    assertThatThrownBy(() -> ObjectReading.pairs(none, 3)).hasMessage("the pool holds no clean scene caption to re-shape");
    assertThatThrownBy(() -> POOL.get(0).scene().withMainShape(6)).hasMessageContaining("shape index 6");
  }
}
