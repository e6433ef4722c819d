package io.papers4j.arena.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets keyed by client address, with bounded memory. Each key's bucket holds up to {@code
 * perMinute} tokens and refills at {@code perMinute}/60 per second; a request takes one token or is
 * refused with 429 and a {@code Retry-After} of the seconds until the next token. At most {@code
 * maxClients} buckets are kept: past that the least recently used one is dropped (an evicted client
 * starts again with a full bucket, which is what an idle client would have anyway once a minute
 * passed).
 */
final class RateLimiter {
  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  private final String what;
  private final String per;
  private final Map<String, Bucket> buckets;

  /**
   * @param what what is counted, for the 429 message (e.g. "requests")
   * @param maxClients bound on the number of buckets kept
   */
  RateLimiter(String what, int maxClients) {
    this(what, "from one address", maxClients);
  }

  /**
   * @param what what is counted, for the 429 message (e.g. "requests")
   * @param per what one key is, for the message (e.g. "from one address"); it must not name the key
   * @param maxClients bound on the number of buckets kept
   */
  RateLimiter(String what, String per, int maxClients) {
    if (maxClients < 1) throw new IllegalArgumentException("rate limiter needs room for at least one client");
    this.what = what;
    this.per = per;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > maxClients;
      }
    };
  }

  /** Takes one token from {@code client}'s bucket; throws 429 with Retry-After when it is empty. */
  synchronized void acquire(String client, int perMinute) {
    long now = System.nanoTime();
    Bucket b = buckets.get(client);
    if (b == null) {
      b = new Bucket(perMinute, now);
      buckets.put(client, b);
    } else {
      b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * (perMinute / 60e9));
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    long retry = Math.max(1, (long) Math.ceil((1 - b.tokens) * 60.0 / perMinute));
    throw new ApiError(429, "rate limit: at most " + perMinute + " " + what + " per minute " + per + "; retry in " + retry + " s", retry);
  }

  /** Buckets currently kept (never more than maxClients). */
  synchronized int size() {
    return buckets.size();
  }
}
