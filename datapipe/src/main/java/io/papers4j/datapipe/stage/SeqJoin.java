package io.papers4j.datapipe.stage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Attaches a small per-document result, keyed by seq, to the documents without shuffling the
 * documents. Documents numbered at ingest sit in partitions holding increasing, disjoint seq ranges
 * (and every map, filter and this join keep that), so the small side is partitioned by those ranges
 * and zipped partition by partition. When the ranges overlap (documents from elsewhere), it falls
 * back to a plain left outer join, which shuffles both sides.
 */
public final class SeqJoin {
  private SeqJoin() {}

  /** Non-empty partitions' first seqs in increasing order, and their partition indices. */
  record Ranges(long[] starts, int[] partitions, boolean ordered) implements java.io.Serializable {}

  /** The seq range of each partition of {@code docs}, and whether they are increasing and disjoint. */
  static Ranges ranges(JavaRDD<Doc> docs) {
    List<long[]> r = docs.mapPartitionsWithIndex((i, it) -> {
      long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
      boolean any = false;
      while (it.hasNext()) {
        long s = it.next().seq();
        min = Math.min(min, s);
        max = Math.max(max, s);
        any = true;
      }
      List<long[]> out = new ArrayList<>();
      if (any) out.add(new long[] {i, min, max});
      return out.iterator();
    }, true).collect();
    long[] starts = new long[r.size()];
    int[] parts = new int[r.size()];
    boolean ordered = true;
    for (int k = 0; k < r.size(); k++) {
      parts[k] = (int) r.get(k)[0];
      starts[k] = r.get(k)[1];
      if (k > 0 && (r.get(k)[1] <= r.get(k - 1)[2] || parts[k] <= parts[k - 1])) ordered = false;
    }
    return new Ranges(starts, parts, ordered);
  }

  /** Sends a seq to the partition whose range holds it. */
  static final class RangePartitioner extends Partitioner {
    private final int n;
    private final Ranges ranges;

    RangePartitioner(int n, Ranges ranges) {
      this.n = n;
      this.ranges = ranges;
    }

    @Override
    public int numPartitions() {
      return n;
    }

    @Override
    public int getPartition(Object key) {
      long seq = (Long) key;
      int i = java.util.Arrays.binarySearch(ranges.starts(), seq);
      if (i < 0) i = -i - 2; // the last start below seq
      return i < 0 ? 0 : ranges.partitions()[i];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RangePartitioner p && p.n == n && java.util.Arrays.equals(p.ranges.starts(), ranges.starts())
          && java.util.Arrays.equals(p.ranges.partitions(), ranges.partitions());
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(ranges.starts()) * 31 + n;
    }
  }

  /**
   * Every document with the value {@code bySeq} holds for its seq, or null; {@code bySeq} has at
   * most one value per seq. Document order within partitions is kept.
   */
  public static <V> JavaRDD<Tuple2<Doc, V>> attach(JavaRDD<Doc> docs, JavaPairRDD<Long, V> bySeq) {
    Ranges r = ranges(docs);
    if (!r.ordered()) {
      return docs.keyBy(Doc::seq).leftOuterJoin(bySeq).values().map(t -> new Tuple2<>(t._1(), t._2().orNull()));
    }
    JavaPairRDD<Long, V> small = bySeq.partitionBy(new RangePartitioner(docs.getNumPartitions(), r));
    return docs.zipPartitions(small, (dit, vit) -> {
      Map<Long, V> m = new HashMap<>();
      while (vit.hasNext()) {
        Tuple2<Long, V> t = vit.next();
        m.put(t._1(), t._2());
      }
      List<Tuple2<Doc, V>> out = new ArrayList<>();
      while (dit.hasNext()) {
        Doc d = dit.next();
        out.add(new Tuple2<>(d, m.get(d.seq())));
      }
      return out.iterator();
    });
  }

  /** Whether {@code docs} is already in seq order: increasing disjoint partition ranges, each partition sorted. */
  public static boolean inOrder(JavaRDD<Doc> docs) {
    if (!ranges(docs).ordered()) return false;
    return docs.mapPartitions(it -> {
      long prev = Long.MIN_VALUE;
      boolean sorted = true;
      while (it.hasNext()) {
        long s = it.next().seq();
        if (s <= prev) sorted = false;
        prev = s;
      }
      return List.of(sorted).iterator();
    }).collect().stream().allMatch(b -> b);
  }
}
