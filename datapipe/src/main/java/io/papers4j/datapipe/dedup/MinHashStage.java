package io.papers4j.datapipe.dedup;

import io.papers4j.datapipe.stage.Doc;
import io.papers4j.datapipe.stage.SeqJoin;
import io.papers4j.datapipe.stage.Stage;
import io.papers4j.datapipe.stage.Verdict;
import io.papers4j.datapipe.text.Hash64;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.feature.MinHashLSHModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Document-level near-duplicate removal with MinHash-LSH (Yi §2.1 "document-level MinHash",
 * following RefinedWeb).
 *
 * <p>Each document becomes its set of word {@code shingleSize}-grams; a signature of b·r MinHash
 * values is cut into b bands of r rows, and documents sharing any band are candidates (probability
 * 1 − (1 − s^r)^b at Jaccard s). A candidate pair is confirmed when its Jaccard — exact on the
 * shingle sets ({@code verify = exact}), estimated from the signatures ({@code signature}), or not
 * checked ({@code none}, RefinedWeb's choice) — reaches {@code threshold}. A document is removed when
 * a confirmed partner has a lower seq, so the first of every group stays and no global connected
 * components are needed.
 *
 * <p>{@code backend = mllib} runs Spark's {@link MinHashLSH} instead: it has no bands (each of its
 * hash tables is one MinHash, OR-combined), and its {@code approxSimilarityJoin} always verifies
 * with exact Jaccard; see docs/datapipe.md for the measured comparison.
 */
public final class MinHashStage implements Stage {

  /**
   * @param shingleSize words per shingle (5, RefinedWeb)
   * @param bands b (20)
   * @param rows r (6): b·r = 120 hashes; S-curve midpoint (1/b)^(1/r) ≈ 0.61, so pairs at the 0.8
   *     threshold are candidates with probability 0.998 and exact verification removes the rest
   * @param threshold Jaccard at or above which two documents are near-duplicates (0.8)
   * @param verify exact, signature or none
   * @param backend own (bands × rows) or mllib (Spark's MinHashLSH with {@code bands} hash tables)
   * @param maxBucket members of one LSH bucket paired with each other at most (larger buckets are
   *     paired by seq order in windows of this size; 1000)
   */
  public record Config(
      boolean enabled,
      int shingleSize,
      int bands,
      int rows,
      double threshold,
      String verify,
      String backend,
      long seed,
      int maxBucket)
      implements Serializable {
    public static Config defaults() {
      return new Config(true, 5, 20, 6, 0.8, "exact", "own", 42, 1000);
    }
  }

  /** A document's shingles and signature. */
  record Sig(long seq, String id, long[] shingles, long[] sig) implements Serializable {}

  private final Config c;
  private final Map<String, Object> details = new LinkedHashMap<>();

  public MinHashStage(Config c) {
    if (!List.of("exact", "signature", "none").contains(c.verify())) {
      throw new IllegalArgumentException("minhash.verify must be exact, signature or none, got '" + c.verify() + "'");
    }
    if (!List.of("own", "mllib").contains(c.backend())) {
      throw new IllegalArgumentException("minhash.backend must be own or mllib, got '" + c.backend() + "'");
    }
    this.c = c;
  }

  @Override
  public String name() {
    return "minhash";
  }

  @Override
  public Map<String, Object> details() {
    return details;
  }

  /** Confirmed near-duplicate pairs (lower seq, higher seq) → Jaccard, as the stage sees them. */
  public JavaPairRDD<Tuple2<Long, Long>, Double> pairs(JavaRDD<Doc> docs, SparkSession spark) {
    return c.backend().equals("mllib") ? mllibPairs(docs, spark) : ownPairs(docs);
  }

  @Override
  public JavaRDD<Verdict> apply(JavaRDD<Doc> docs, SparkSession spark) {
    JavaPairRDD<Tuple2<Long, Long>, Double> confirmed = pairs(docs, spark).cache();
    details.put("confirmed_pairs", confirmed.count());
    details.put("s_curve_midpoint", Math.pow(1.0 / c.bands(), 1.0 / c.rows()));
    // For each later document, its earliest confirmed partner.
    JavaPairRDD<Long, Tuple2<Long, Double>> dupOf =
        confirmed.mapToPair(t -> new Tuple2<>(t._1()._2(), new Tuple2<>(t._1()._1(), t._2())))
            .reduceByKey((a, b) -> a._1() <= b._1() ? a : b);
    return SeqJoin.attach(docs, dupOf)
        .map(t -> t._2() != null
            ? Verdict.drop(t._1(), "minhash:near-duplicate",
                String.format(Locale.ROOT, "J=%.2f with #%d", t._2()._2(), t._2()._1()))
            : Verdict.keep(t._1()));
  }

  private JavaPairRDD<Tuple2<Long, Long>, Double> ownPairs(JavaRDD<Doc> docs) {
    Config cf = c;
    MinHash mh = new MinHash(cf.bands() * cf.rows(), cf.seed());
    // Signatures are partitioned by seq once, so the two joins below shuffle only the candidate pairs.
    org.apache.spark.HashPartitioner bySeq = new org.apache.spark.HashPartitioner(docs.getNumPartitions());
    JavaPairRDD<Long, Sig> sigs =
        docs.map(d -> {
              long[] sh = Shingles.of(d.text(), cf.shingleSize());
              return new Sig(d.seq(), d.id(), sh, mh.signature(sh));
            })
            .filter(s -> s.shingles().length > 0)
            .keyBy(Sig::seq)
            .partitionBy(bySeq)
            .cache();
    JavaPairRDD<Long, Long> bandMembers =
        sigs.values().flatMapToPair(s -> {
          List<Tuple2<Long, Long>> out = new ArrayList<>(cf.bands());
          for (int b = 0; b < cf.bands(); b++) out.add(new Tuple2<>(bandKey(s.sig(), b, cf.rows()), s.seq()));
          return out.iterator();
        });
    JavaRDD<Tuple2<Long, Long>> candidates =
        bandMembers.groupByKey()
            .flatMap(bucket -> {
              List<Long> m = new ArrayList<>();
              bucket._2().forEach(m::add);
              m.sort(null);
              List<Tuple2<Long, Long>> out = new ArrayList<>();
              for (int i = 0; i < m.size(); i++) {
                for (int j = i + 1; j < Math.min(m.size(), i + cf.maxBucket()); j++) out.add(new Tuple2<>(m.get(i), m.get(j)));
              }
              return out.iterator();
            })
            .distinct();
    long nCandidates = candidates.cache().count();
    details.put("candidate_pairs", nCandidates);
    details.put("hashes", cf.bands() * cf.rows());
    String verify = cf.verify();
    double t = cf.threshold();
    return candidates
        .mapToPair(p -> p)
        .join(sigs, bySeq)
        .mapToPair(x -> new Tuple2<>(x._2()._1(), x._2()._2()))
        .join(sigs, bySeq)
        .mapToPair(x -> {
          Sig a = x._2()._1(), b = x._2()._2();
          double j = switch (verify) {
            case "exact" -> Shingles.jaccard(a.shingles(), b.shingles());
            case "signature" -> MinHash.estimate(a.sig(), b.sig());
            default -> MinHash.estimate(a.sig(), b.sig()); // reported only; none keeps every candidate
          };
          return new Tuple2<>(new Tuple2<>(a.seq(), b.seq()), j);
        })
        .filter(x -> verify.equals("none") || x._2() >= t);
  }

  /** A band's key: its index and its r values hashed together. */
  static long bandKey(long[] sig, int band, int rows) {
    long h = Hash64.mix(band + 1);
    for (int i = band * rows; i < (band + 1) * rows; i++) h = Hash64.combine(h, sig[i]);
    return h;
  }

  private JavaPairRDD<Tuple2<Long, Long>, Double> mllibPairs(JavaRDD<Doc> docs, SparkSession spark) {
    int n = c.shingleSize();
    // Shingle hashes folded into 2^30 feature indices (MLlib takes int indices).
    int dim = 1 << 30;
    JavaRDD<Row> rows =
        docs.map(d -> {
              long[] sh = Shingles.of(d.text(), n);
              int[] idx = Arrays.stream(sh).mapToInt(h -> (int) Math.floorMod(h, (long) dim)).sorted().distinct().toArray();
              double[] ones = new double[idx.length];
              Arrays.fill(ones, 1.0);
              return RowFactory.create(d.seq(), Vectors.sparse(dim, idx, ones));
            })
            .filter(r -> ((org.apache.spark.ml.linalg.SparseVector) r.get(1)).numActives() > 0);
    StructType schema = new StructType().add("seq", DataTypes.LongType).add("features", SQLDataTypes.VectorType());
    Dataset<Row> df = spark.createDataFrame(rows, schema).cache();
    MinHashLSHModel model =
        new MinHashLSH().setNumHashTables(c.bands()).setSeed(c.seed()).setInputCol("features").setOutputCol("hashes").fit(df);
    details.put("hashes", c.bands());
    Dataset<?> joined = model.approxSimilarityJoin(df, df, 1 - c.threshold(), "dist");
    return joined
        .select("datasetA.seq", "datasetB.seq", "dist")
        .javaRDD()
        .filter(r -> r.getLong(0) < r.getLong(1))
        .mapToPair(r -> new Tuple2<>(new Tuple2<>(r.getLong(0), r.getLong(1)), 1 - r.getDouble(2)));
  }
}
