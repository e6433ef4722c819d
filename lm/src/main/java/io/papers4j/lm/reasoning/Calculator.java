package io.papers4j.lm.reasoning;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * GSM8K's calculator annotations {@code <<48/2=24>>}. As in the reference sampler
 * (grade-school-math {@code calculator.py}), when the text generated so far ends with {@code '='}
 * inside an open {@code <<}, the expression between {@code <<} and {@code =} is evaluated (only
 * digits, {@code + - * / . ( )} and commas allowed) and its value plus {@code >>} is written for the
 * model. Values are written the way GSM8K's annotations write them: integers without a decimal
 * point, other values with at most 6 decimals and no trailing zeros (the reference prints Python's
 * {@code float}; "2.0" there is "2" here, matching the data).
 */
public final class Calculator {
  private Calculator() {}

  /**
   * The text to append after {@code generated}, when its end is {@code <<expr=}: the value and
   * {@code ">>"}; empty when the calculator does not apply (no open {@code <<}, no trailing
   * {@code =}, characters outside the allowed set, or an expression that does not evaluate).
   */
  public static Optional<String> completion(String generated) {
    if (!generated.endsWith("=")) return Optional.empty();
    int open = generated.lastIndexOf("<<");
    if (open < 0) return Optional.empty();
    String inside = generated.substring(open + 2, generated.length() - 1);
    if (inside.contains(">>") || inside.contains("=")) return Optional.empty();
    return evaluate(inside).map(v -> format(v) + ">>");
  }

  /** Evaluates an arithmetic expression (+ - * / parentheses, unary minus); empty if malformed. */
  public static Optional<BigDecimal> evaluate(String expression) {
    String s = expression.replace(",", "");
    for (char c : s.toCharArray()) if ("0123456789*+-/.() ".indexOf(c) < 0) return Optional.empty();
    if (s.isBlank()) return Optional.empty();
    try {
      Parser p = new Parser(s.replace(" ", ""));
      BigDecimal v = p.sum();
      if (p.pos != p.s.length()) return Optional.empty();
      return Optional.of(v);
    } catch (ArithmeticException | IllegalStateException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Integers plainly; others rounded to 6 decimals, trailing zeros dropped. */
  public static String format(BigDecimal v) {
    BigDecimal r = v.setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros();
    if (r.signum() == 0) return "0";
    return r.scale() <= 0 ? r.toBigInteger().toString() : r.toPlainString();
  }

  /** Recursive descent: sum := product (('+'|'-') product)*; product := unary (('*'|'/') unary)*. */
  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    BigDecimal sum() {
      BigDecimal v = product();
      while (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
        char op = s.charAt(pos++);
        BigDecimal r = product();
        v = op == '+' ? v.add(r) : v.subtract(r);
      }
      return v;
    }

    BigDecimal product() {
      BigDecimal v = unary();
      while (pos < s.length() && (s.charAt(pos) == '*' || s.charAt(pos) == '/')) {
        char op = s.charAt(pos++);
        BigDecimal r = unary();
        v = op == '*' ? v.multiply(r) : v.divide(r, MathContext.DECIMAL64);
      }
      return v;
    }

    BigDecimal unary() {
      if (pos < s.length() && s.charAt(pos) == '-') {
        pos++;
        return unary().negate();
      }
      if (pos < s.length() && s.charAt(pos) == '+') {
        pos++;
        return unary();
      }
      if (pos < s.length() && s.charAt(pos) == '(') {
        pos++;
        BigDecimal v = sum();
        if (pos >= s.length() || s.charAt(pos) != ')') throw new IllegalStateException("missing )");
        pos++;
        return v;
      }
      int start = pos;
      while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) pos++;
      if (start == pos) throw new IllegalStateException("expected a number at " + start);
      return new BigDecimal(s.substring(start, pos));
    }
  }
}
