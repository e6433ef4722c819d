package io.papers4j.datapipe.stage;

import java.io.Serializable;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * One step of the cascade. A stage never drops documents itself: it returns a {@link Verdict} per
 * document, and the pipeline ({@code datapipe.Pipeline}) counts, samples and filters, so every
 * stage reports the same way.
 */
public interface Stage extends Serializable {
  /** Short name used in config keys, reasons and the statistics file, e.g. {@code minhash}. */
  String name();

  /** Decides about every document of {@code docs}. */
  JavaRDD<Verdict> apply(JavaRDD<Doc> docs, SparkSession spark) throws Exception;

  /** Stage-specific facts for the statistics file (fitted thresholds, model accuracy...). */
  default Map<String, Object> details() {
    return Map.of();
  }
}
