package io.papers4j.datapipe;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.papers4j.datapipe.cluster.TopicStage;
import io.papers4j.datapipe.dedup.ExactDedupStage;
import io.papers4j.datapipe.dedup.MinHashStage;
import io.papers4j.datapipe.dedup.SubdocDedupStage;
import io.papers4j.datapipe.filter.HeuristicRules;
import io.papers4j.datapipe.filter.HeuristicStage;
import io.papers4j.datapipe.filter.LangIdStage;
import io.papers4j.datapipe.filter.PerplexityStage;
import io.papers4j.datapipe.filter.QualityStage;
import io.papers4j.datapipe.stage.Stage;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole pipeline's configuration. A YAML file overrides any subset of the defaults, e.g.
 *
 * <pre>
 * minhash: {threshold: 0.7, bands: 16, rows: 8}
 * perplexity: {enabled: true, maxStd: 1.5}
 * topics: {enabled: true, k: 12}
 * </pre>
 *
 * @param partitions Spark partitions for shuffles (8: enough parallelism for a few cores without
 *     thousands of empty tasks on small corpora; raise it on a cluster)
 * @param examples removed documents kept per reason in the report (5)
 */
public record PipelineConfig(
    int partitions,
    int examples,
    Ingest.Config input,
    LangIdStage.Config langid,
    HeuristicRules.Config heuristics,
    PerplexityStage.Config perplexity,
    QualityStage.Config quality,
    ExactDedupStage.Config exactDedup,
    MinHashStage.Config minhash,
    SubdocDedupStage.Config subdoc,
    TopicStage.Config topics)
    implements Serializable {

  public static PipelineConfig defaults() {
    return new PipelineConfig(
        8, 5, Ingest.Config.defaults(), LangIdStage.Config.defaults(), HeuristicRules.Config.defaults(),
        PerplexityStage.Config.defaults(), QualityStage.Config.defaults(), ExactDedupStage.Config.defaults(),
        MinHashStage.Config.defaults(), SubdocDedupStage.Config.defaults(), TopicStage.Config.defaults());
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The defaults with {@code yaml} (a file) laid over them; unknown keys are an error. */
  public static PipelineConfig load(Path yaml) throws IOException {
    if (!Files.exists(yaml)) throw new IllegalArgumentException("config: " + yaml + " does not exist");
    JsonNode user = new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
    return override(defaults(), user, yaml.toString());
  }

  /** {@code base} with the fields of {@code user} (a YAML/JSON tree) laid over it. */
  public static PipelineConfig override(PipelineConfig base, JsonNode user, String where) {
    ObjectNode tree = JSON.valueToTree(base);
    if (user != null && !user.isNull() && !user.isMissingNode()) {
      if (!user.isObject()) throw new IllegalArgumentException("config " + where + ": the top level must be a mapping");
      merge(tree, (ObjectNode) user, "", where);
    }
    try {
      return JSON.treeToValue(tree, PipelineConfig.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("config " + where + ": " + e.getOriginalMessage(), e);
    }
  }

  private static void merge(ObjectNode into, ObjectNode from, String prefix, String where) {
    for (Map.Entry<String, JsonNode> e : from.properties()) {
      String key = prefix + e.getKey();
      if (!into.has(e.getKey())) {
        throw new IllegalArgumentException("config " + where + ": unknown key '" + key + "'");
      }
      JsonNode cur = into.get(e.getKey());
      if (cur != null && cur.isObject() && e.getValue().isObject()) {
        merge((ObjectNode) cur, (ObjectNode) e.getValue(), key + ".", where);
      } else {
        into.set(e.getKey(), e.getValue());
      }
    }
  }

  /** The enabled stages in Yi's order. */
  public List<Stage> stages() {
    List<Stage> s = new ArrayList<>();
    if (langid.enabled()) s.add(new LangIdStage(langid));
    if (heuristics.enabled()) s.add(new HeuristicStage(heuristics));
    if (perplexity.enabled()) s.add(new PerplexityStage(perplexity));
    if (quality.enabled()) s.add(new QualityStage(quality));
    if (exactDedup.enabled()) s.add(new ExactDedupStage());
    if (minhash.enabled()) s.add(new MinHashStage(minhash));
    if (subdoc.enabled()) s.add(new SubdocDedupStage(subdoc));
    if (topics.enabled()) s.add(new TopicStage(topics));
    return s;
  }

  /** As a plain map for the statistics file. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> asMap() {
    return JSON.convertValue(this, Map.class);
  }
}
