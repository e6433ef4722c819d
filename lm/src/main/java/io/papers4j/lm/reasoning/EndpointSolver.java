package io.papers4j.lm.reasoning;

import io.papers4j.lm.serve.ChatClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples solutions from any OpenAI-compatible chat endpoint ({@code POST <url>/v1/chat/completions},
 * through {@link ChatClient}), so a user's own model is scored with the same grader. The prompt asks
 * for the GSM8K format; the calculator cannot run inside a remote model's decoding, so annotations
 * are left as the model writes them.
 */
public final class EndpointSolver {
  static final String INSTRUCTION =
      "Solve the problem step by step. End with a final line of the form '#### <number>'.\n\n";

  private final ChatClient client;

  public EndpointSolver(String baseUrl, String model) {
    this.client = new ChatClient(baseUrl, model, Duration.ofMinutes(5));
  }

  /** {@code k} replies to {@code question} at {@code temperature} (seeds seed, seed+1, ...). */
  public List<String> sample(String question, int k, double temperature, int maxTokens, long seed) {
    List<String> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) out.add(client.complete(INSTRUCTION + question, maxTokens, temperature, seed + i));
    return out;
  }

  /** maj@1 (one reply at temperature 0), maj@K and pass@K over {@code problems}. */
  public Evaluation.Scores evaluate(List<Problem> problems, int k, double temperature, int maxTokens, long seed) {
    double maj1 = 0, majK = 0, passK = 0, pass1 = 0;
    for (int i = 0; i < problems.size(); i++) {
      Problem p = problems.get(i);
      if (p.isCorrect(sample(p.question(), 1, 0.0, maxTokens, seed).get(0))) maj1++;
      List<String> texts = sample(p.question(), k, temperature, maxTokens, seed + 1000L * i);
      List<String> answers = new ArrayList<>();
      int c = 0;
      for (String t : texts) {
        answers.add(Gsm8kGrader.answerKey(t));
        if (p.isCorrect(t)) c++;
      }
      String vote = SampleMetrics.majority(answers);
      if (vote != null && p.isCorrect(Gsm8kGrader.MARKER + " " + vote)) majK++;
      passK += SampleMetrics.passAtK(k, c, k);
      pass1 += SampleMetrics.passAtK(k, c, 1);
    }
    int n = problems.size();
    return new Evaluation.Scores(n, k, temperature, maj1 / n, majK / n, Double.NaN, passK / n, pass1 / n, Double.NaN);
  }
}
