package io.papers4j.core.data;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Corpora by name, for {@code --corpus NAME} options. {@code kjv} is built in; other modules add
 * theirs with {@link #register}.
 */
public final class Corpora {
  private static final Map<String, Supplier<TextCorpus>> REGISTRY = new TreeMap<>();

  static {
    register(KjvBible.NAME, KjvBible::load);
  }

  private Corpora() {}

  /** Adds (or replaces) a corpus; the supplier runs on each {@link #load}. */
  public static synchronized void register(String name, Supplier<TextCorpus> loader) {
    REGISTRY.put(name, loader);
  }

  public static synchronized Set<String> names() {
    return Set.copyOf(REGISTRY.keySet());
  }

  /** Loads corpus {@code name}, or fails with the list of known names. */
  public static TextCorpus load(String name) {
    Supplier<TextCorpus> s;
    synchronized (Corpora.class) {
      s = REGISTRY.get(name);
    }
    if (s == null) {
      throw new IllegalArgumentException(
          "unknown corpus '" + name + "'; known: " + String.join(", ", new TreeMap<>(REGISTRY).keySet()));
    }
    return s.get();
  }
}
