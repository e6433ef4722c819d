package io.papers4j.datapipe.filter;

import io.papers4j.datapipe.stage.Doc;
import io.papers4j.datapipe.stage.Stage;
import io.papers4j.datapipe.stage.Verdict;
import io.papers4j.datapipe.text.RoffText;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.StatCounter;
import scala.Tuple2;

/**
 * Yi's learned filter (i): documents whose perplexity lies far above the corpus mean are dropped
 * (CCNet-style). The cut is in log space: drop when ln PPL &gt; mean + maxStd · std over the stage's
 * input, and, if set, when PPL &gt; maxPerplexity.
 */
public final class PerplexityStage implements Stage {

  /**
   * @param scorer "charngram" (KenLM stand-in trained on {@code reference}) or "lm" (a papers4j
   *     LlamaModel checkpoint at {@code checkpoint})
   * @param reference files or directories of reference text ("good" text, Wikipedia in CCNet);
   *     empty = English Debian man pages under /usr/share/man/man1
   * @param order character n-gram order (5, as CCNet's KenLM models)
   * @param maxReferenceChars training text is cut here (3,000,000: seconds to train, ~100 MB of counts)
   * @param checkpoint directory of an lm checkpoint (scorer = lm)
   * @param maxTokens tokens scored per document under an LM checkpoint (512: CPU forward passes are
   *     the cost of this stage)
   * @param maxStd standard deviations of ln PPL above the mean that are still kept (2.0)
   * @param maxPerplexity absolute cap, 0 = off
   */
  public record Config(
      boolean enabled,
      String scorer,
      List<String> reference,
      int order,
      int maxReferenceChars,
      String checkpoint,
      int maxTokens,
      double maxStd,
      double maxPerplexity)
      implements Serializable {
    public static Config defaults() {
      return new Config(false, "charngram", List.of(), 5, 3_000_000, null, 512, 2.0, 0);
    }
  }

  private final Config c;
  private final Map<String, Object> details = new LinkedHashMap<>();

  public PerplexityStage(Config c) {
    this.c = c;
  }

  @Override
  public String name() {
    return "perplexity";
  }

  @Override
  public Map<String, Object> details() {
    return details;
  }

  /** Builds the scorer the config names. */
  public static PerplexityScorer scorer(Config c) throws IOException {
    return switch (c.scorer()) {
      case "charngram" -> trainCharNgram(c);
      case "lm" -> ScorerFactory.lm(c.checkpoint(), c.maxTokens());
      default -> throw new IllegalArgumentException("perplexity.scorer must be charngram or lm, got '" + c.scorer() + "'");
    };
  }

  static CharNgramLm trainCharNgram(Config c) throws IOException {
    List<Path> files = new ArrayList<>();
    String source;
    if (c.reference() == null || c.reference().isEmpty()) {
      Path man1 = Path.of("/usr/share/man/man1");
      if (!Files.isDirectory(man1)) {
        throw new IllegalArgumentException("perplexity.reference is empty and /usr/share/man/man1 does not exist; give reference text files");
      }
      try (Stream<Path> s = Files.list(man1)) {
        s.filter(p -> p.toString().endsWith(".gz")).sorted().forEach(files::add);
      }
      source = "English Debian man pages (" + man1 + ")";
    } else {
      for (String r : c.reference()) {
        Path p = Path.of(r);
        if (!Files.exists(p)) throw new IllegalArgumentException("perplexity.reference: " + r + " does not exist");
        if (Files.isDirectory(p)) {
          try (Stream<Path> s = Files.walk(p)) {
            s.filter(Files::isRegularFile).sorted().forEach(files::add);
          }
        } else {
          files.add(p);
        }
      }
      source = String.join(", ", c.reference());
    }
    CharNgramLm lm = new CharNgramLm(c.order(), source);
    long used = 0;
    for (Path f : files) {
      if (used >= c.maxReferenceChars()) break;
      String text = read(f);
      if (text.length() > c.maxReferenceChars() - used) text = text.substring(0, (int) (c.maxReferenceChars() - used));
      lm.train(text);
      used += text.length();
    }
    if (used == 0) throw new IllegalArgumentException("perplexity.reference holds no text: " + source);
    return lm;
  }

  private static String read(Path f) throws IOException {
    boolean gz = f.toString().endsWith(".gz");
    try (InputStream in = gz ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f)) {
      String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return f.toString().contains("/man") && gz ? RoffText.of(s) : s;
    }
  }

  @Override
  public JavaRDD<Verdict> apply(JavaRDD<Doc> docs, SparkSession spark) throws IOException {
    PerplexityScorer s = scorer(c);
    details.put("scorer", s.describe());
    Broadcast<PerplexityScorer> model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(s);
    JavaRDD<Tuple2<Doc, Double>> scored = docs.map(d -> new Tuple2<>(d, model.value().perplexity(d.text()))).cache();
    StatCounter st = scored.mapToDouble(t -> Math.log(t._2())).filter(Double::isFinite).stats();
    double cut = st.count() < 2 ? Double.POSITIVE_INFINITY : st.mean() + c.maxStd() * st.stdev();
    double cap = c.maxPerplexity() > 0 ? Math.log(c.maxPerplexity()) : Double.POSITIVE_INFINITY;
    double limit = Math.min(cut, cap);
    details.put("mean_ln_ppl", st.mean());
    details.put("std_ln_ppl", st.stdev());
    details.put("ppl_threshold", Math.exp(limit));
    return scored.map(
        t -> {
          double lp = Math.log(t._2());
          String note = String.format(Locale.ROOT, "ppl %.1f > %.1f", t._2(), Math.exp(limit));
          return lp > limit ? Verdict.drop(t._1(), "perplexity:high", note) : Verdict.keep(t._1());
        });
  }
}
