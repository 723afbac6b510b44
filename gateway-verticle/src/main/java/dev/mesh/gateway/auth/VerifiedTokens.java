package dev.mesh.gateway.auth;

import dev.mesh.common.Caller;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens this gateway has already verified, with the caller each proves, so a client that sends the same
 * token on every request pays for one RSA signature check, not one per request (bench/FINDINGS.md: the
 * check was the larger part of what authentication costs). An entry lives until the token's {@code exp}
 * or for {@code maxAgeMs}, whichever is sooner: a key the issuer withdraws stops working within that
 * time. Only successes are kept; a refused token is checked again every time.
 */
final class VerifiedTokens {

  private record Entry(Caller caller, long until) {
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final long maxAgeMs;
  private final int maxEntries;

  /** {@code maxAgeMs} 0 keeps nothing. */
  VerifiedTokens(long maxAgeMs, int maxEntries) {
    this.maxAgeMs = maxAgeMs;
    this.maxEntries = maxEntries;
  }

  /** The caller of a token verified before and still within its time, else null. */
  Caller get(String token, long now) {
    Entry entry = entries.get(token);
    if (entry == null) {
      return null;
    }
    if (now >= entry.until()) {
      entries.remove(token, entry);
      return null;
    }
    return entry.caller();
  }

  /** Keeps a verified token until its expiry ({@code expSeconds}, seconds since the epoch; 0 when it has none). */
  void put(String token, Caller caller, long expSeconds, long now) {
    if (maxAgeMs <= 0 || maxEntries <= 0) {
      return;
    }
    long until = now + maxAgeMs;
    if (expSeconds > 0) {
      until = Math.min(until, expSeconds * 1000);
    }
    if (until <= now) {
      return;
    }
    if (entries.size() >= maxEntries) {
      entries.values().removeIf(e -> now >= e.until());
      if (entries.size() >= maxEntries) {
        entries.clear(); // many live tokens at once: start over rather than track use
      }
    }
    entries.put(token, new Entry(caller, until));
  }

  int size() {
    return entries.size();
  }
}
