package io.papers4j.datapipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.datapipe.stage.Doc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Reads JSON-lines or Parquet into documents. Every record that cannot be used is counted with its
 * reason and location instead of failing the job: malformed JSON, a value that is not an object, a
 * missing or non-string {@code text}, invalid UTF-8, an empty text, or a record over the size limit.
 */
public final class Ingest {
  private Ingest() {}

  /**
   * Limits on what counts as a document.
   *
   * @param maxDocChars longer texts are skipped as "huge" (1,000,000 characters: a book; far longer
   *     is usually a dump that would stall one task)
   * @param format auto (Parquet if the path or its files end in .parquet), jsonl or parquet
   */
  public record Config(int maxDocChars, String format) implements java.io.Serializable {
    public static Config defaults() {
      return new Config(1_000_000, "auto");
    }
  }

  /** Every input record as a document or a reason; docs carry seq = -1 until numbered. */
  public static JavaRDD<BadInput> read(SparkSession spark, String path, Config c) throws IOException {
    boolean parquet =
        switch (c.format()) {
          case "parquet" -> true;
          case "jsonl", "json" -> false;
          case "auto" -> looksLikeParquet(spark, path);
          default -> throw new IllegalArgumentException("input.format must be auto, jsonl or parquet, got '" + c.format() + "'");
        };
    return parquet ? readParquet(spark, path, c) : readJsonLines(spark, path, c);
  }

  private static boolean looksLikeParquet(SparkSession spark, String path) throws IOException {
    if (path.endsWith(".parquet")) return true;
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (!fs.exists(p)) throw new IllegalArgumentException("input: " + path + " does not exist");
    if (!fs.getFileStatus(p).isDirectory()) return false;
    for (FileStatus f : fs.listStatus(p)) if (f.getPath().getName().endsWith(".parquet")) return true;
    return false;
  }

  @SuppressWarnings("unchecked")
  private static JavaRDD<BadInput> readJsonLines(SparkSession spark, String path, Config c) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration conf = new Configuration(sc.hadoopConfiguration());
    // Lines far over the limit are still read (and reported as huge) up to 4x the limit, in bytes.
    conf.setInt("mapreduce.input.linerecordreader.line.maxlength", Integer.MAX_VALUE);
    JavaNewHadoopRDD<LongWritable, Text> raw =
        (JavaNewHadoopRDD<LongWritable, Text>)
            sc.newAPIHadoopFile(path, TextInputFormat.class, LongWritable.class, Text.class, conf);
    int maxBytes = (int) Math.min(Integer.MAX_VALUE - 16L, 4L * c.maxDocChars() + 16);
    return raw.mapPartitionsWithInputSplit(
            (split, it) -> parseLines(((FileSplit) split).getPath().getName(), it, c.maxDocChars(), maxBytes), true);
  }

  private static Iterator<BadInput> parseLines(
      String file, Iterator<Tuple2<LongWritable, Text>> it, int maxChars, int maxBytes) {
    ObjectMapper json = new ObjectMapper();
    var decoder =
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public BadInput next() {
        Tuple2<LongWritable, Text> rec = it.next();
        String where = file + ":" + rec._1().get();
        Text t = rec._2(); // reused by the reader: copy what we keep
        if (t.getLength() > maxBytes) {
          return BadInput.bad("huge", where, t.getLength() + " bytes");
        }
        byte[] bytes = Arrays.copyOf(t.getBytes(), t.getLength());
        String line;
        try {
          line = decoder.reset().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
          return BadInput.bad("invalid-utf8", where, excerpt(new String(bytes, StandardCharsets.UTF_8)));
        }
        return parseRecord(json, line, where, maxChars);
      }
    };
  }

  static BadInput parseRecord(ObjectMapper json, String line, String where, int maxChars) {
    if (line.isBlank()) return BadInput.bad("blank-line", where, "");
    JsonNode node;
    try {
      node = json.readTree(line);
    } catch (IOException e) {
      return BadInput.bad("malformed-json", where, excerpt(line));
    }
    if (node == null || !node.isObject()) return BadInput.bad("not-an-object", where, excerpt(line));
    JsonNode text = node.get("text");
    if (text == null || !text.isTextual()) return BadInput.bad("missing-text", where, excerpt(line));
    String s = text.asText();
    if (s.isBlank()) return BadInput.bad("empty", where, excerpt(line));
    if (s.length() > maxChars) return BadInput.bad("huge", where, s.length() + " characters");
    JsonNode id = node.get("id");
    String ids = id == null || id.isNull() ? null : id.isTextual() ? id.asText() : id.toString();
    return BadInput.good(new Doc(-1, ids, s, line));
  }

  private static JavaRDD<BadInput> readParquet(SparkSession spark, String path, Config c) {
    Dataset<Row> df = spark.read().parquet(path);
    if (!Arrays.asList(df.columns()).contains("text")) {
      throw new IllegalArgumentException(
          "input " + path + ": Parquet has no 'text' column (columns: " + String.join(", ", df.columns()) + ")");
    }
    int maxChars = c.maxDocChars();
    return df.toJSON()
        .javaRDD()
        .zipWithIndex()
        .mapPartitions(
            it -> {
              ObjectMapper json = new ObjectMapper();
              List<BadInput> out = new ArrayList<>();
              while (it.hasNext()) {
                Tuple2<String, Long> r = it.next();
                out.add(parseRecord(json, r._1(), "row " + r._2(), maxChars));
              }
              return out.iterator();
            });
  }

  /** Gives every good document its seq (input order) and an id when it had none. */
  public static JavaRDD<Doc> number(JavaRDD<BadInput> records) {
    return records
        .filter(r -> r.doc() != null)
        .map(BadInput::doc)
        .zipWithIndex()
        .map(t -> new Doc(t._2(), t._1().id() == null ? "#" + t._2() : t._1().id(), t._1().text(), t._1().json()));
  }

  static String excerpt(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() <= 120 ? one : one.substring(0, 120) + "…";
  }
}
