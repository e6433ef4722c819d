package io.papers4j.datapipe.dedup;

import io.papers4j.datapipe.stage.Doc;
import io.papers4j.datapipe.stage.Stage;
import io.papers4j.datapipe.stage.Verdict;
import io.papers4j.datapipe.text.Hash64;
import java.io.Serializable;
import java.util.Locale;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Exact document dedup: documents whose text is equal after lower-casing and collapsing whitespace
 * share a key (64-bit hash and length); the lowest seq of each key is kept.
 */
public final class ExactDedupStage implements Stage {

  public record Config(boolean enabled) implements Serializable {
    public static Config defaults() {
      return new Config(true);
    }
  }

  @Override
  public String name() {
    return "exact-dedup";
  }

  static String key(String text) {
    String norm = text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
    return Long.toHexString(Hash64.of(norm)) + ":" + norm.length();
  }

  @Override
  public JavaRDD<Verdict> apply(JavaRDD<Doc> docs, SparkSession spark) {
    JavaPairRDD<String, Doc> keyed = docs.keyBy(d -> key(d.text()));
    JavaPairRDD<String, Tuple2<Long, String>> first =
        keyed.mapValues(d -> new Tuple2<>(d.seq(), d.id())).reduceByKey((a, b) -> a._1() <= b._1() ? a : b);
    return keyed.join(first)
        .values()
        .map(t -> t._1().seq() == t._2()._1()
            ? Verdict.keep(t._1())
            : Verdict.drop(t._1(), "exact-dedup:duplicate", "copy of " + t._2()._2()));
  }
}
