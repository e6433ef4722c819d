package io.papers4j.datapipe.filter;

import io.papers4j.datapipe.stage.Doc;
import io.papers4j.datapipe.stage.Stage;
import io.papers4j.datapipe.stage.Verdict;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/** Yi's heuristic rules as a stage; the reason names the first rule a document breaks. */
public final class HeuristicStage implements Stage {
  private final HeuristicRules rules;

  public HeuristicStage(HeuristicRules.Config c) {
    this.rules = new HeuristicRules(c);
  }

  @Override
  public String name() {
    return "heuristics";
  }

  @Override
  public JavaRDD<Verdict> apply(JavaRDD<Doc> docs, SparkSession spark) {
    HeuristicRules r = rules;
    return docs.map(
        d -> {
          String v = r.violation(d.text());
          if (v == null) return Verdict.keep(d);
          int sp = v.indexOf(" (");
          return Verdict.drop(d, "heuristics:" + (sp < 0 ? v : v.substring(0, sp)), v);
        });
  }
}
