package io.papers4j.datapipe.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.datapipe.Doc;
import io.papers4j.datapipe.Stage;
import io.papers4j.datapipe.Verdict;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Optional topic clustering (Yi's cluster-based filtering and topic labelling): k-means on TF-IDF
 * of words (MLlib), each document gets a {@code topic} field, the report lists every cluster's size
 * and top terms, and clusters named in {@code dropTopics} are removed.
 */
public final class TopicStage implements Stage {

  /**
   * @param k clusters (8)
   * @param vocabSize most frequent words kept (5000)
   * @param dropTopics cluster numbers to remove (after reading a first run's report)
   */
  public record Config(boolean enabled, int k, int vocabSize, long seed, List<Integer> dropTopics) implements Serializable {
    public static Config defaults() {
      return new Config(false, 8, 5000, 42, List.of());
    }
  }

  private final Config c;
  private final Map<String, Object> details = new LinkedHashMap<>();

  public TopicStage(Config c) {
    this.c = c;
  }

  @Override
  public String name() {
    return "topics";
  }

  @Override
  public Map<String, Object> details() {
    return details;
  }

  @Override
  public JavaRDD<Verdict> apply(JavaRDD<Doc> docs, SparkSession spark) {
    StructType schema = new StructType().add("seq", "long").add("text", "string");
    Dataset<Row> df = spark.createDataFrame(docs.map(d -> RowFactory.create(d.seq(), d.text())), schema);
    Pipeline p =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new RegexTokenizer().setInputCol("text").setOutputCol("tokens").setPattern("[^\\p{L}]+").setMinTokenLength(3),
                  new StopWordsRemover().setInputCol("tokens").setOutputCol("words"),
                  new CountVectorizer().setInputCol("words").setOutputCol("tf").setVocabSize(c.vocabSize()).setMinDF(2),
                  new IDF().setInputCol("tf").setOutputCol("features"),
                  new KMeans().setK(c.k()).setSeed(c.seed()).setFeaturesCol("features").setPredictionCol("topic")
                });
    PipelineModel model = p.fit(df);
    String[] vocab = ((CountVectorizerModel) model.stages()[2]).vocabulary();
    KMeansModel km = (KMeansModel) model.stages()[4];
    JavaPairRDD<Long, Integer> topic =
        model.transform(df).select("seq", "topic").javaRDD().mapToPair(r -> new Tuple2<>(r.getLong(0), r.getInt(1)));
    Map<Integer, Long> sizes = topic.values().countByValue();
    List<Map<String, Object>> clusters = new ArrayList<>();
    Vector[] centers = km.clusterCenters();
    for (int k = 0; k < centers.length; k++) {
      Vector ctr = centers[k];
      List<String> top =
          IntStream.range(0, ctr.size()).boxed()
              .sorted(Comparator.comparingDouble((Integer i) -> -ctr.apply(i)))
              .limit(8).map(i -> vocab[i]).toList();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("topic", k);
      m.put("documents", sizes.getOrDefault(k, 0L));
      m.put("top_terms", top);
      clusters.add(m);
    }
    details.put("clusters", clusters);
    List<Integer> drop = c.dropTopics() == null ? List.of() : c.dropTopics();
    return docs.keyBy(Doc::seq)
        .join(topic)
        .values()
        .map(t -> {
          ObjectNode o = (ObjectNode) new ObjectMapper().readTree(t._1().json());
          o.put("topic", t._2());
          Doc d = new Doc(t._1().seq(), t._1().id(), t._1().text(), o.toString());
          return drop.contains(t._2()) ? Verdict.drop(d, "topics:dropped-topic", "topic " + t._2()) : Verdict.keep(d);
        });
  }
}
