package io.papers4j.lm.reasoning;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One word problem: the question, its worked solution in GSM8K's format (calculator annotations,
 * final line {@code #### answer}) and the numeric answer.
 */
public record Problem(String question, String solution, BigDecimal answer) {
  public Problem {
    if (question == null || question.isBlank()) throw new IllegalArgumentException("a problem needs a question");
    if (solution == null) throw new IllegalArgumentException("a problem needs a solution");
    if (answer == null) throw new IllegalArgumentException("a problem needs an answer");
  }

  /** From GSM8K's {@code question} and {@code answer} fields (the answer is the worked solution). */
  public static Problem ofGsm8k(String question, String answer) {
    BigDecimal a = Gsm8kGrader.extract(answer)
        .orElseThrow(() -> new IllegalArgumentException("GSM8K answer without '#### <number>': " + answer));
    return new Problem(question, answer, a);
  }

  /** SHA-256 of the whitespace-collapsed question: held-out sets are checked against it. */
  public String hash() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest(question.strip().replaceAll("\\s+", " ").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** True when {@code completion}'s final answer equals this problem's answer. */
  public boolean isCorrect(String completion) {
    return Gsm8kGrader.matches(completion, answer);
  }
}
