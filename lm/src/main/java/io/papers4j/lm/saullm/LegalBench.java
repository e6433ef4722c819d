package io.papers4j.lm.saullm;

import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.lm.generate.Generation;
import io.papers4j.lm.generate.Sampling;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.serve.ChatClient;
import io.papers4j.lm.train.LmEval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The LegalBench-Instruct-style evaluation (SaulLM §4): the {@link LegalTasks} on held-out
 * documents only, each answered once greedily, the reply cut to its first line and normalised
 * ({@link AnswerNormalisation}), scored per task by balanced accuracy against the normalised gold
 * answer; the benchmark score is the mean over tasks (LegalBench's aggregate). Answers come from a
 * local model (with the instruction template) or from any OpenAI-compatible chat endpoint. Legal
 * perplexity is measured per document type on the held-out documents, as the paper's Fig. 8 does
 * per source.
 */
public final class LegalBench {
  /** Longest reply read, in tokens (answers are a word, a name or a licence id). */
  public static final int MAX_NEW_TOKENS = 24;

  /** Answers one instruction with raw text (the first line is used). */
  @FunctionalInterface
  public interface Answerer {
    String generate(String instruction);
  }

  /** One task's score; {@code classes} is the number of distinct gold answers (chance = 1 / classes). */
  public record TaskScore(String task, int n, int classes, double balancedAccuracy, double accuracy) {}

  /** Per-task scores and their mean. */
  public record Scores(List<TaskScore> tasks, double mean) {
    /**
     * Mean balanced accuracy over the yes/no tasks whose gold answers hold both classes (NaN when
     * there is none): 0.5 is what a constant answer gets, so only a value above it shows that the
     * documents were read.
     */
    public double yesNoMean() {
      double s = 0;
      int n = 0;
      for (TaskScore t : tasks) {
        if (t.task().startsWith("licence_") && t.classes() == 2) {
          s += t.balancedAccuracy();
          n++;
        }
      }
      return n == 0 ? Double.NaN : s / n;
    }

    public Map<String, Double> asMap() {
      Map<String, Double> m = new LinkedHashMap<>();
      for (TaskScore t : tasks) m.put(t.task(), t.balancedAccuracy());
      m.put("mean", mean);
      return m;
    }
  }

  private LegalBench() {}

  /** The benchmark: every task on the held-out documents of the corpus, at most {@code maxPerTask} each (0: all). */
  public static List<LegalTasks.Example> heldOut(Path corpusDir, int maxPerTask) {
    List<LegalTasks.Example> all = LegalTasks.build(LegalCorpus.read(corpusDir, true));
    if (maxPerTask <= 0) return all;
    Map<String, Integer> seen = new LinkedHashMap<>();
    List<LegalTasks.Example> out = new ArrayList<>();
    for (LegalTasks.Example e : all) {
      if (seen.merge(e.task(), 1, Integer::sum) <= maxPerTask) out.add(e);
    }
    return out;
  }

  /** Asks {@code a} every example and scores the normalised replies. */
  public static Scores score(List<LegalTasks.Example> examples, Answerer a, String label) {
    if (examples.isEmpty()) throw new IllegalArgumentException("the benchmark has no examples");
    Map<String, List<String>> gold = new LinkedHashMap<>();
    Map<String, List<String>> pred = new LinkedHashMap<>();
    for (String t : LegalTasks.TASKS) {
      gold.put(t, new ArrayList<>());
      pred.put(t, new ArrayList<>());
    }
    try (ProgressBar bar = new ProgressBar(label, examples.size(), "ex")) {
      int i = 0;
      for (LegalTasks.Example e : examples) {
        gold.computeIfAbsent(e.task(), k -> new ArrayList<>()).add(AnswerNormalisation.normalise(e.answer()));
        pred.computeIfAbsent(e.task(), k -> new ArrayList<>()).add(AnswerNormalisation.answer(a.generate(e.instruction())));
        bar.update(++i, Double.NaN, 1);
      }
    }
    return scores(gold, pred);
  }

  /** Balanced accuracy and accuracy per task (tasks without examples are left out) and the mean. */
  static Scores scores(Map<String, List<String>> gold, Map<String, List<String>> pred) {
    List<TaskScore> ts = new ArrayList<>();
    double sum = 0;
    for (var e : gold.entrySet()) {
      List<String> g = e.getValue();
      if (g.isEmpty()) continue;
      List<String> p = pred.get(e.getKey());
      int right = 0;
      for (int i = 0; i < g.size(); i++) if (g.get(i).equals(p.get(i))) right++;
      double ba = BalancedAccuracy.of(g, p);
      ts.add(new TaskScore(e.getKey(), g.size(), new java.util.HashSet<>(g).size(), ba, (double) right / g.size()));
      sum += ba;
    }
    return new Scores(ts, sum / ts.size());
  }

  /**
   * A local model answering through the instruction template, greedily, stopping at the first
   * token that holds a newline; the reply is the text before that newline (as {@code lm serve
   * --chat-template inst} replies). A prompt longer than the context keeps its last tokens (the
   * question and format instruction are at the end).
   */
  public static Answerer local(LlamaModel model, BpeTokenizer tok) {
    Set<Long> stop = new HashSet<>();
    for (int id = 0; id < tok.vocabSize(); id++) if (tok.decode(new int[] {id}).contains("\n")) stop.add((long) id);
    int context = model.config().maxPositionEmbeddings();
    return instruction -> {
      int[] p = tok.encode(InstructTemplate.prompt(instruction));
      int keep = Math.min(p.length, context - MAX_NEW_TOKENS);
      long[] prompt = Arrays.stream(p, p.length - keep, p.length).asLongStream().toArray();
      long[] out = Generation.generate(model, prompt, MAX_NEW_TOKENS, Sampling.greedy(), stop, true, null);
      String text = tok.decode(Arrays.stream(out).mapToInt(x -> (int) x).toArray());
      int nl = text.indexOf('\n');
      return nl >= 0 ? text.substring(0, nl) : text; // the template's answer ends at its newline
    };
  }

  /** A chat endpoint answering one user message per instruction at temperature 0. */
  public static Answerer endpoint(ChatClient client) {
    return instruction -> client.complete(instruction, MAX_NEW_TOKENS);
  }

  /**
   * Held-out perplexity per legal document type ({@code licence}, {@code copyright}, {@code
   * fortune}) and of the general corpus' held-out units: each side's texts joined by blank lines,
   * the first {@code maxTokens} tokens, windows of {@code seq}.
   */
  public static Map<String, LmEval.Score> perplexity(LlamaModel model, BpeTokenizer tok, Path corpusDir, int seq,
      int maxTokens) {
    Map<String, StringBuilder> byType = new java.util.TreeMap<>();
    for (LegalCorpus.Doc d : LegalCorpus.read(corpusDir, true)) {
      byType.computeIfAbsent(d.type(), k -> new StringBuilder()).append(d.text()).append("\n\n");
    }
    Map<String, LmEval.Score> out = new LinkedHashMap<>();
    for (var e : byType.entrySet()) out.put(e.getKey(), score(model, tok, e.getValue().toString(), seq, maxTokens));
    try {
      out.put("general", score(model, tok, Files.readString(corpusDir.resolve("general").resolve("heldout.txt")), seq,
          maxTokens));
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException("cannot read the general held-out text in " + corpusDir, ex);
    }
    return out;
  }

  private static LmEval.Score score(LlamaModel model, BpeTokenizer tok, String text, int seq, int maxTokens) {
    // encode at most ~8 characters per wanted token: enough for any byte-level BPE, and bounded
    String cut = text.length() > 8L * maxTokens ? text.substring(0, 8 * maxTokens) : text;
    int[] ids = tok.encode(cut);
    int[] t = Arrays.copyOf(ids, Math.min(ids.length, maxTokens));
    return LmEval.score(model, t, 8, Math.min(seq, t.length - 1));
  }
}
