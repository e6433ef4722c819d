package io.papers4j.multimodal.movie;

import io.papers4j.multimodal.movie.Plot.Chapter;
import io.papers4j.multimodal.movie.Plot.Dialogue;
import io.papers4j.multimodal.movie.Plot.Frame;
import io.papers4j.multimodal.movie.Plot.Person;
import io.papers4j.multimodal.movie.Plot.Qa;
import io.papers4j.multimodal.movie.Plot.Scene;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded grammar in place of GPT-4's three prompts (story expansion, paper §3.1):
 *
 * <pre>level 1  theme → title, genre, overview, style keyword, 3 characters with fixed looks,
 *          locations, {chapters} sub-stories each at its own location
 * level 2  chapter → {scenes} tiny stories
 * level 3  scene → {frames} frame descriptions "at the L, LOOK is VERB, with a EXPR" + a dialogue line</pre>
 *
 * The paper uses 11 × 11 × 11; the sizes here are parameters. {@link #flat} is the "without story
 * expanding" ablation of the research note §5(e): all frames in one pass from the overview with a
 * context window of {@code window} frames — a character not seen within the window is described
 * again from scratch (its look may drift) and locations follow no chapter structure.
 */
public final class PlotGrammar {
  /** Sizes of a movie: level-1 chapters, level-2 scenes per chapter, level-3 frames per scene. */
  public record Size(int chapters, int scenes, int frames) {
    public Size {
      if (chapters < 1 || chapters > StoryWorld.LOCATIONS.size()) {
        throw new IllegalArgumentException("chapters must be in [1, " + StoryWorld.LOCATIONS.size() + "], got " + chapters);
      }
      if (scenes < 1 || frames < 1) throw new IllegalArgumentException("scenes and frames per level must be >= 1");
    }

    public int totalFrames() {
      return chapters * scenes * frames;
    }

    /** "3x2x2" → Size. */
    public static Size parse(String s) {
      String[] p = s.toLowerCase(Locale.ROOT).split("x");
      if (p.length != 3) throw new IllegalArgumentException("size must be CHAPTERSxSCENESxFRAMES such as 3x2x2, got " + s);
      try {
        return new Size(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()), Integer.parseInt(p[2].strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("size must be CHAPTERSxSCENESxFRAMES such as 3x2x2, got " + s);
      }
    }
  }

  /** The quick default: 3 chapters × 2 scenes × 2 frames = 12 keyframes. */
  public static final Size QUICK = new Size(3, 2, 2);
  /** The paper's 11 × 11 × 11 = 1,331 keyframes. */
  public static final Size PAPER = new Size(11, 11, 11);

  static final List<String> NAMES = List.of("Ava", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gia", "Hugo", "Iris", "Jon", "Kai", "Lena");
  static final List<String> NUMBERS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
      "ten", "eleven", "twelve");
  static final List<String> LINES = List.of("we must go on", "look over there", "i remember this place", "what was that",
      "stay close to me", "it is getting late");

  private PlotGrammar() {}

  /** A fully expanded plot for {@code theme}; the same (theme, seed, size, keyword) gives the same plot. */
  public static Plot expand(String theme, long seed, Size size, String keyword) {
    SplittableRandom rng = rng(theme, seed);
    Cast cast = cast(theme, rng, keyword);
    List<String> locs = new ArrayList<>(StoryWorld.LOCATIONS);
    Collections.shuffle(locs, new java.util.Random(rng.nextLong()));
    List<String> chapterLocs = locs.subList(0, size.chapters());
    List<Chapter> chapters = new ArrayList<>();
    for (int c = 0; c < size.chapters(); c++) {
      String loc = chapterLocs.get(c);
      Person hero = cast.people.get(c % 2 == 0 || cast.people.size() < 2 ? 0 : rng.nextInt(cast.people.size()));
      List<Scene> scenes = new ArrayList<>();
      for (int s = 0; s < size.scenes(); s++) {
        List<Frame> frames = new ArrayList<>();
        for (int f = 0; f < size.frames(); f++) {
          Person other = rng.nextInt(3) == 0 ? pickOther(cast.people, hero, rng) : null;
          frames.add(frame(loc, hero, hero.look(), other, other == null ? null : other.look(), rng));
        }
        scenes.add(new Scene("at the " + loc + ", " + hero.name() + " " + pick(List.of("searches", "waits", "argues", "rests", "hides"), rng),
            loc, frames, List.of(new Dialogue(0, hero.name(), pick(LINES, rng))), List.of()));
      }
      chapters.add(new Chapter(hero.name() + " at the " + loc, loc, scenes, List.of()));
    }
    return withQa(theme, cast, locs.subList(0, Math.max(size.chapters(), Math.min(12, size.chapters() + 3))), chapters, rng, true);
  }

  /**
   * The ablation without story expanding: {@code size.totalFrames()} frames generated in one pass
   * from the overview, each seeing only the previous {@code window} frames.
   */
  public static Plot flat(String theme, long seed, Size size, String keyword, int window) {
    if (window < 1) throw new IllegalArgumentException("context window must be >= 1 frame, got " + window);
    SplittableRandom rng = rng(theme, seed);
    Cast cast = cast(theme, rng, keyword);
    List<String> locs = new ArrayList<>(StoryWorld.LOCATIONS);
    Collections.shuffle(locs, new java.util.Random(rng.nextLong()));
    List<String> pool = locs.subList(0, Math.max(size.chapters(), Math.min(12, size.chapters() + 3)));
    List<Frame> frames = new ArrayList<>();
    String loc = pool.get(0);
    for (int i = 0; i < size.totalFrames(); i++) {
      if (i > 0 && rng.nextDouble() < 0.3) loc = pool.get(rng.nextInt(pool.size()));
      Person hero = cast.people.get(rng.nextInt(cast.people.size()));
      Person other = rng.nextInt(3) == 0 ? pickOther(cast.people, hero, rng) : null;
      frames.add(frame(loc, hero, recall(hero, frames, window, rng), other, other == null ? null : recall(other, frames, window, rng), rng));
    }
    List<Chapter> chapters = new ArrayList<>();
    int perChapter = size.scenes() * size.frames();
    for (int c = 0; c < size.chapters(); c++) {
      List<Frame> part = frames.subList(c * perChapter, (c + 1) * perChapter);
      Scene s = new Scene("frames " + (c * perChapter) + " to " + ((c + 1) * perChapter - 1), part.get(0).location(), List.copyOf(part),
          List.of(new Dialogue(0, part.get(0).characters().get(0), pick(LINES, rng))), List.of());
      chapters.add(new Chapter("part " + (c + 1), part.get(0).location(), List.of(s), List.of()));
    }
    return withQa(theme, cast, pool, chapters, rng, false);
  }

  /** The look a flat generator writes: the last one used within the window, else a fresh description. */
  private static String recall(Person p, List<Frame> frames, int window, SplittableRandom rng) {
    for (int i = frames.size() - 1; i >= Math.max(0, frames.size() - window); i--) {
      Frame f = frames.get(i);
      int k = f.characters().indexOf(p.name());
      if (k >= 0) return f.looks().get(k);
    }
    // forgotten: described again from the overview's one-line cast, colour re-guessed half the time
    return rng.nextBoolean() ? p.look() : StoryWorld.look(p.kind(), pick(StoryWorld.COLOURS, rng));
  }

  private record Cast(String genre, String keyword, List<Person> people) {}

  private static Cast cast(String theme, SplittableRandom rng, String keyword) {
    String genre = null;
    for (String g : StoryWorld.GENRES) if (theme.toLowerCase(Locale.ROOT).contains(g)) genre = g;
    if (genre == null) genre = pick(StoryWorld.GENRES, rng);
    String kw = keyword != null ? keyword : pick(StoryWorld.KEYWORD_ORDER, rng);
    StoryWorld.style(kw);
    List<String> colours = new ArrayList<>(StoryWorld.COLOURS);
    Collections.shuffle(colours, new java.util.Random(rng.nextLong()));
    List<String> names = new ArrayList<>(NAMES);
    Collections.shuffle(names, new java.util.Random(rng.nextLong()));
    List<Person> people = new ArrayList<>();
    for (int i = 0; i < 3; i++) { // two main characters and one supporting (paper: 1-2 main, <= 1 supporting)
      String kind = pick(StoryWorld.KINDS, rng);
      people.add(new Person(names.get(i), kind, colours.get(i), StoryWorld.look(kind, colours.get(i))));
    }
    return new Cast(genre, kw, people);
  }

  private static Frame frame(String loc, Person hero, String heroLook, Person other, String otherLook, SplittableRandom rng) {
    String expr = pick(StoryWorld.EXPRESSIONS, rng);
    if (other == null) {
      String action = pick(StoryWorld.ACTIONS.subList(0, 7), rng); // hugging needs two
      return new Frame("at the " + loc + ", " + heroLook + " is " + action + ", with a " + expr, loc, List.of(hero.name()),
          List.of(heroLook), action, expr);
    }
    String action = pick(List.of("talking", "hugging", "looking", "walking", "standing"), rng);
    return new Frame("at the " + loc + ", " + heroLook + " is " + action + " with " + otherLook + ", with a " + expr, loc,
        List.of(hero.name(), other.name()), List.of(heroLook, otherLook), action, expr);
  }

  private static Plot withQa(String theme, Cast cast, List<String> locations, List<Chapter> chapters, SplittableRandom rng, boolean attach) {
    List<Frame> frames = new ArrayList<>();
    for (Chapter c : chapters) for (Scene s : c.scenes()) frames.addAll(s.frames());
    List<Qa> movieQa = new ArrayList<>();
    List<Chapter> withQa = new ArrayList<>();
    Map<String, List<Qa>> byLocation = new LinkedHashMap<>();
    for (Qa q : questions(frames, rng)) {
      String loc = attach ? mentionedLocation(q) : null;
      if (loc != null && q.type().equals("plot") || loc != null && q.question().contains(" after the ")) {
        byLocation.computeIfAbsent(loc, k -> new ArrayList<>()).add(q);
      } else {
        movieQa.add(q);
      }
    }
    for (Chapter c : chapters) withQa.add(new Chapter(c.summary(), c.location(), c.scenes(), byLocation.getOrDefault(c.location(), List.of())));
    List<String> visited = new ArrayList<>();
    for (Frame f : frames) if (!visited.contains(f.location())) visited.add(f.location());
    String names = cast.people.get(0).name() + " and " + cast.people.get(1).name();
    String overview = "a " + cast.genre + " story about " + theme.strip() + ": " + names + " travel from the " + visited.get(0)
        + " to the " + visited.get(visited.size() - 1) + ", helped by " + cast.people.get(2).name();
    Plot.StyleTag style = new Plot.StyleTag(cast.keyword, StoryWorld.style(cast.keyword).description());
    String title = "The " + capitalise(visited.get(visited.size() - 1)) + " of " + cast.people.get(0).name();
    List<String> locs = new ArrayList<>(locations);
    for (String v : visited) if (!locs.contains(v)) locs.add(v);
    return new Plot(title, theme.strip(), cast.genre, overview, style, cast.people, locs, withQa, movieQa);
  }

  private static String mentionedLocation(Qa q) {
    for (String l : StoryWorld.LOCATIONS) if (q.question().contains("the " + l + "?") || q.question().contains("the " + l + " ")) return l;
    return null;
  }

  /**
   * The questions a movie's frames answer, by the benchmark's three types. Runs are maximal
   * stretches of frames at one location; only locations with one run are asked about.
   *
   * <pre>overview  who is the main character? · how many places does the story visit?
   * plot      who is at the L?
   * temporal  where does the story begin / end? · where does the story go after the L? ·
   *           which comes first, the A or the B?</pre>
   */
  public static List<Qa> questions(List<Frame> frames, SplittableRandom rng) {
    List<Qa> out = new ArrayList<>();
    Map<String, Integer> lookCount = new LinkedHashMap<>();
    for (Frame f : frames) for (String l : f.looks()) lookCount.merge(l, 1, Integer::sum);
    String main = uniqueMax(lookCount);
    if (main != null) out.add(new Qa("overview", "who is the main character?", main));
    List<String> runLoc = new ArrayList<>();
    List<List<Frame>> runs = new ArrayList<>();
    for (Frame f : frames) {
      if (runLoc.isEmpty() || !runLoc.get(runLoc.size() - 1).equals(f.location())) {
        runLoc.add(f.location());
        runs.add(new ArrayList<>());
      }
      runs.get(runs.size() - 1).add(f);
    }
    long distinct = runLoc.stream().distinct().count();
    if (distinct < NUMBERS.size()) out.add(new Qa("overview", "how many places does the story visit?", NUMBERS.get((int) distinct)));
    List<Integer> unique = new ArrayList<>();
    for (int i = 0; i < runLoc.size(); i++) if (Collections.frequency(runLoc, runLoc.get(i)) == 1) unique.add(i);
    for (int i : unique) {
      Map<String, Integer> c = new LinkedHashMap<>();
      for (Frame f : runs.get(i)) for (String l : f.looks()) c.merge(l, 1, Integer::sum);
      String who = uniqueMax(c);
      if (who != null) out.add(new Qa("plot", "who is at the " + runLoc.get(i) + "?", who));
    }
    out.add(new Qa("temporal", "where does the story begin?", runLoc.get(0)));
    out.add(new Qa("temporal", "where does the story end?", runLoc.get(runLoc.size() - 1)));
    for (int i : unique) {
      if (i + 1 < runLoc.size()) out.add(new Qa("temporal", "where does the story go after the " + runLoc.get(i) + "?", runLoc.get(i + 1)));
    }
    if (unique.size() >= 2) {
      int a = unique.get(rng.nextInt(unique.size())), b = a;
      while (b == a) b = unique.get(rng.nextInt(unique.size()));
      boolean swap = rng.nextBoolean();
      String x = runLoc.get(swap ? b : a), y = runLoc.get(swap ? a : b);
      out.add(new Qa("temporal", "which comes first, the " + x + " or the " + y + "?", runLoc.get(Math.min(a, b))));
    }
    return out;
  }

  private static String uniqueMax(Map<String, Integer> counts) {
    int best = -1;
    String arg = null;
    boolean tie = false;
    for (var e : counts.entrySet()) {
      if (e.getValue() > best) {
        best = e.getValue();
        arg = e.getKey();
        tie = false;
      } else if (e.getValue() == best) {
        tie = true;
      }
    }
    return tie ? null : arg;
  }

  private static SplittableRandom rng(String theme, long seed) {
    if (theme == null || theme.isBlank()) throw new IllegalArgumentException("--theme is empty");
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ theme.strip().toLowerCase(Locale.ROOT).hashCode());
  }

  private static Person pickOther(List<Person> people, Person hero, SplittableRandom rng) {
    Person p = hero;
    while (p == hero) p = people.get(rng.nextInt(people.size()));
    return p;
  }

  static <T> T pick(List<T> xs, SplittableRandom rng) {
    return xs.get(rng.nextInt(xs.size()));
  }

  private static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
