package io.papers4j.vision.video;

/** Where training clips come from: clip {@code first + i} is the same every time it is asked for. */
@FunctionalInterface
public interface VideoSource {
  /** Clips {@code first} … {@code first + n − 1} of {@code t} frames each. */
  MovingSprites.Videos videos(long first, int n, int t);
}
