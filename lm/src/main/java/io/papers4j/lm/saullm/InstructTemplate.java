package io.papers4j.lm.saullm;

import io.papers4j.core.tokenize.BpeTokenizer;
import java.util.Arrays;

/**
 * The chat template of the instruction-tuned model, Mistral-Instruct style:
 *
 * <pre>
 *   [INST] {instruction} [/INST] {answer}\n
 * </pre>
 *
 * Instruction tuning puts the loss on the answer only: every target whose next token belongs to
 * the prompt is −100 (ignored by cross entropy); the answer tokens, including the closing newline
 * that ends a reply, are predicted.
 */
public final class InstructTemplate {
  /** Opens a user turn. */
  public static final String OPEN = "[INST] ";
  /** Closes a user turn; the answer follows. */
  public static final String CLOSE = " [/INST]";
  /** Ends an answer; generation stops here. */
  public static final String END = "\n";
  /** Target id that cross entropy ignores. */
  public static final int IGNORE = -100;

  private InstructTemplate() {}

  /**
   * One example as token ids with a flag per id: true where the id is part of the answer.
   *
   * @param ids prompt ids then answer ids
   * @param answer answer[i] is true when ids[i] is an answer token
   */
  public record Encoded(int[] ids, boolean[] answer) {
    /** Inputs (ids without the last) and targets (ids shifted by one, −100 where the target is not an answer token). */
    public int[][] inputsAndTargets() {
      int n = ids.length - 1;
      int[] x = Arrays.copyOf(ids, n);
      int[] y = new int[n];
      for (int i = 0; i < n; i++) y[i] = answer[i + 1] ? ids[i + 1] : IGNORE;
      return new int[][] {x, y};
    }
  }

  /** The prompt text the model sees at inference (ends right before the answer). */
  public static String prompt(String instruction) {
    return OPEN + instruction.strip() + CLOSE;
  }

  /** Encodes instruction and answer; prompt and answer are encoded apart so the boundary is exact. */
  public static Encoded encode(BpeTokenizer tok, String instruction, String answer) {
    int[] p = tok.encode(prompt(instruction));
    int[] a = tok.encode(" " + answer.strip() + END);
    if (a.length == 0) throw new IllegalArgumentException("empty answer");
    int[] ids = new int[p.length + a.length];
    boolean[] mask = new boolean[ids.length];
    System.arraycopy(p, 0, ids, 0, p.length);
    System.arraycopy(a, 0, ids, p.length, a.length);
    Arrays.fill(mask, p.length, ids.length, true);
    return new Encoded(ids, mask);
  }
}
