package io.papers4j.lm.serve;

import io.papers4j.lm.generate.ContinuousBatching;
import io.papers4j.lm.generate.ContinuousBatching.Event;
import io.papers4j.lm.generate.ContinuousBatching.TokenLogprob;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One choice of a request as its events arrive from the scheduler: the generated tokens (end ids
 * left out), their text cut at the first stop string ({@link StopText}), the prompt's log-probs
 * when asked for, and the finish reason. A stop string cancels the sequence, which frees its row.
 */
final class Choice {
  final int index;
  final ContinuousBatching.Sequence seq;
  final StopText text;
  private final Set<Long> eos;
  final List<TokenLogprob> prompt = new ArrayList<>(); // log-probs of prompt tokens 1 … P−1
  final List<TokenLogprob> generated = new ArrayList<>();
  String finish;
  boolean started; // streaming: the first chunk went out
  int sent; // streaming: generated tokens whose log-probs went out

  Choice(int index, ContinuousBatching.Sequence seq, StopText text, Set<Long> eos) {
    this.index = index;
    this.seq = seq;
    this.text = text;
    this.eos = eos;
  }

  /** Applies one event and returns the text it releases ("" when none). */
  String apply(Event e) {
    if (e instanceof ContinuousBatching.PromptScored p) {
      prompt.addAll(p.tokens());
    } else if (e instanceof ContinuousBatching.Token t) {
      if (finish != null || eos.contains(t.token().id())) return "";
      generated.add(t.token());
      String piece = text.add(t.token().id());
      if (text.stopped()) {
        finish = "stop";
        seq.cancel();
      }
      return piece;
    } else if (e instanceof ContinuousBatching.Done d) {
      if (finish != null) return "";
      finish = d.finish().equals("length") ? "length" : "stop";
      return text.finish();
    } else if (e instanceof ContinuousBatching.Failed f) {
      throw new IllegalStateException("generation failed: " + f.message());
    }
    return "";
  }

  boolean done() {
    return finish != null;
  }

  /** Generated tokens that belong to the returned text (those before a stop string). */
  List<TokenLogprob> kept() {
    return generated.subList(0, Math.min(generated.size(), text.keptTokens()));
  }
}
