package io.papers4j.datapipe.filter;

import io.papers4j.datapipe.stage.Doc;
import io.papers4j.datapipe.stage.Stage;
import io.papers4j.datapipe.stage.Verdict;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/** Language identification (Yi's first step; CCNet's fastText LID in the paper), keeping listed languages. */
public final class LangIdStage implements Stage {

  /**
   * @param keep languages kept (ISO 639-1 codes of the bundled model: en de fr ... ; Yi keeps en and zh)
   * @param minConfidence documents whose confidence (see {@link LanguageIdentifier}) is lower are
   *     dropped as mixed or garbled (0.5: the top language must beat all others together)
   */
  public record Config(boolean enabled, List<String> keep, double minConfidence) implements Serializable {
    public static Config defaults() {
      return new Config(true, List.of("en"), 0.5);
    }
  }

  /** One model per JVM (executors load it from the jar on first use). */
  private static final class Model {
    static final LanguageIdentifier ID = LanguageIdentifier.bundled();
  }

  private final Config c;

  public LangIdStage(Config c) {
    this.c = c;
  }

  @Override
  public String name() {
    return "langid";
  }

  @Override
  public JavaRDD<Verdict> apply(JavaRDD<Doc> docs, SparkSession spark) {
    List<String> keep = c.keep();
    double min = c.minConfidence();
    return docs.map(
        d -> {
          LanguageIdentifier.Guess g = Model.ID.identify(d.text());
          String note = String.format(Locale.ROOT, "%s %.2f", g.language(), g.confidence());
          if (!keep.contains(g.language())) return Verdict.drop(d, "langid:" + g.language(), note);
          if (g.confidence() < min) return Verdict.drop(d, "langid:low-confidence", note);
          return Verdict.keep(d);
        });
  }
}
