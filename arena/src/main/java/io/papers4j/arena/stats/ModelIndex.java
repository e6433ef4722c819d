package io.papers4j.arena.stats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Model names in sorted order with their dense indices (FastChat sorts model names too). */
public final class ModelIndex {
  private final List<String> names;
  private final Map<String, Integer> index = new java.util.HashMap<>();

  public ModelIndex(Collection<String> models) {
    names = new ArrayList<>(new java.util.TreeSet<>(models));
    for (int i = 0; i < names.size(); i++) index.put(names.get(i), i);
  }

  /** The models that appear in the battles, sorted. */
  public static ModelIndex of(List<Battle> battles) {
    // distinct names first: sorting 2 × #battles strings in a TreeSet costs seconds at 1M battles
    java.util.Set<String> all = new java.util.HashSet<>();
    for (Battle b : battles) {
      all.add(b.modelA());
      all.add(b.modelB());
    }
    return new ModelIndex(all);
  }

  public int size() {
    return names.size();
  }

  public String name(int i) {
    return names.get(i);
  }

  public List<String> names() {
    return List.copyOf(names);
  }

  /** Index of {@code model}; throws naming the model if unknown. */
  public int indexOf(String model) {
    Integer i = index.get(model);
    if (i == null) throw new IllegalArgumentException("unknown model: " + model);
    return i;
  }

  public boolean contains(String model) {
    return index.containsKey(model);
  }
}
