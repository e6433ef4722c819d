package io.papers4j.datapipe.filter;

import io.papers4j.datapipe.stage.Doc;
import io.papers4j.datapipe.stage.Stage;
import io.papers4j.datapipe.stage.Verdict;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import scala.Tuple2;

/**
 * Yi's learned filter (ii), a quality classifier: MLlib logistic regression on TF-IDF of hashed
 * words, trained from labelled examples ({@code {"text": ..., "label": 1|0}} JSON-lines, 1 = good),
 * dropping documents whose P(good) is below {@code minScore}. 20% of the labelled set is held out
 * and its accuracy and AUC are reported.
 */
public final class QualityStage implements Stage {

  /**
   * @param trainPath labelled JSON-lines (text, label)
   * @param minScore documents with P(good) below are dropped (0.5)
   * @param numFeatures hashed vocabulary size (2^16: a few hundred labelled documents use far fewer
   *     words; MLlib's 2^18 makes every L-BFGS iteration ship 2 MB of coefficients)
   * @param regParam L2 strength (0.01)
   * @param maxIter L-BFGS iterations (20: each is one Spark job)
   */
  public record Config(boolean enabled, String trainPath, double minScore, int numFeatures, double regParam, int maxIter, long seed)
      implements Serializable {
    public static Config defaults() {
      return new Config(false, null, 0.5, 1 << 16, 0.01, 20, 42);
    }
  }

  private final Config c;
  private final Map<String, Object> details = new LinkedHashMap<>();

  public QualityStage(Config c) {
    this.c = c;
  }

  @Override
  public String name() {
    return "quality";
  }

  @Override
  public Map<String, Object> details() {
    return details;
  }

  /** Trains the classifier on a labelled DataFrame (columns text, label) and reports held-out quality. */
  public PipelineModel train(Dataset<Row> labelled) {
    // Cached: the split, IDF, the L-BFGS iterations and the held-out metrics each scan it again.
    Dataset<Row> data = labelled.select(functions.col("text"), functions.col("label").cast("double").as("label")).cache();
    Dataset<Row>[] split = data.randomSplit(new double[] {0.8, 0.2}, c.seed());
    Pipeline p =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new RegexTokenizer().setInputCol("text").setOutputCol("words").setPattern("\\W+").setToLowercase(true),
                  new HashingTF().setInputCol("words").setOutputCol("tf").setNumFeatures(c.numFeatures()),
                  new IDF().setInputCol("tf").setOutputCol("features"),
                  new LogisticRegression().setRegParam(c.regParam()).setMaxIter(c.maxIter())
                });
    PipelineModel model = p.fit(split[0]);
    Dataset<Row> pred = model.transform(split[1]);
    long n = pred.count();
    long right = pred.filter("prediction = label").count();
    double auc = n == 0 ? Double.NaN : new BinaryClassificationEvaluator().setLabelCol("label").evaluate(pred);
    details.put("train_examples", split[0].count());
    details.put("heldout_examples", n);
    details.put("heldout_accuracy", n == 0 ? Double.NaN : right / (double) n);
    details.put("heldout_auc", auc);
    data.unpersist(false);
    return model;
  }

  @Override
  public JavaRDD<Verdict> apply(JavaRDD<Doc> docs, SparkSession spark) {
    if (c.trainPath() == null) throw new IllegalArgumentException("quality.trainPath must name labelled JSON-lines (text, label)");
    Dataset<Row> labelled = spark.read().json(c.trainPath());
    for (String col : new String[] {"text", "label"}) {
      if (!java.util.Arrays.asList(labelled.columns()).contains(col)) {
        throw new IllegalArgumentException("quality.trainPath " + c.trainPath() + ": no '" + col + "' field");
      }
    }
    PipelineModel model = train(labelled);
    Dataset<Row> df =
        spark.createDataFrame(docs.map(d -> new Tuple2<>(d.seq(), d.text())).map(t -> org.apache.spark.sql.RowFactory.create(t._1(), t._2())),
            new org.apache.spark.sql.types.StructType().add("seq", "long").add("text", "string"));
    JavaPairRDD<Long, Double> score =
        model.transform(df).select("seq", "probability").javaRDD()
            .mapToPair(r -> new Tuple2<>(r.getLong(0), ((Vector) r.get(1)).apply(1)));
    double min = c.minScore();
    return docs.keyBy(Doc::seq)
        .join(score)
        .values()
        .map(t -> t._2() < min
            ? Verdict.drop(t._1(), "quality:low-score", String.format(Locale.ROOT, "P(good) %.3f", t._2()))
            : Verdict.keep(t._1()));
  }

}
