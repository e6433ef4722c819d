package io.papers4j.datapipe.dedup;

import io.papers4j.datapipe.stage.Doc;
import io.papers4j.datapipe.stage.SeqJoin;
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
    String norm = normalize(text);
    return Long.toHexString(Hash64.of(norm)) + ":" + norm.length();
  }

  /**
   * Lower case (ROOT), every run of regex {@code \s} characters ({@code [ \t\n\x0B\f\r]}) as one
   * space, stripped: the same string as {@code toLowerCase(ROOT).replaceAll("\\s+", " ").strip()}
   * without compiling a pattern per document.
   */
  static String normalize(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(lower.length());
    boolean inSpace = false;
    for (int i = 0; i < lower.length(); i++) {
      char ch = lower.charAt(i);
      boolean space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\u000B' || ch == '\f' || ch == '\r';
      if (space) {
        if (!inSpace) sb.append(' ');
      } else {
        sb.append(ch);
      }
      inSpace = space;
    }
    return sb.toString().strip();
  }

  @Override
  public JavaRDD<Verdict> apply(JavaRDD<Doc> docs, SparkSession spark) {
    // Only (key, seq, id) is shuffled; the documents stay where they are (SeqJoin).
    JavaPairRDD<String, Tuple2<Long, String>> keyed =
        docs.mapToPair(d -> new Tuple2<>(key(d.text()), new Tuple2<>(d.seq(), d.id()))).cache();
    JavaPairRDD<String, Tuple2<Long, String>> first = keyed.reduceByKey((a, b) -> a._1() <= b._1() ? a : b);
    JavaPairRDD<Long, String> copyOf =
        keyed.join(first).values().filter(t -> !t._1()._1().equals(t._2()._1())).mapToPair(t -> new Tuple2<>(t._1()._1(), t._2()._2()));
    return SeqJoin.attach(docs, copyOf)
        .map(t -> t._2() == null ? Verdict.keep(t._1()) : Verdict.drop(t._1(), "exact-dedup:duplicate", "copy of " + t._2()));
  }
}
