package dev.mesh.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.Caller;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the gateway may answer without checking a token's signature again, and for how long. */
class VerifiedTokensTest {

  private static final Caller ADA = Caller.of("ada", List.of("admin"), List.of());
  private static final long NOW = 1_800_000_000_000L;
  private static final long IN_AN_HOUR = NOW / 1000 + 3600;

  @Test
  void aVerifiedTokenIsKnownForTheMaxAgeAtMost() {
    VerifiedTokens tokens = new VerifiedTokens(60_000, 100);
    tokens.put("t", ADA, IN_AN_HOUR, NOW);
    assertEquals(ADA, tokens.get("t", NOW + 59_999));
    assertNull(tokens.get("t", NOW + 60_000), "checked again once the max age has passed");
    assertNull(tokens.get("other", NOW), "another token string, even one byte off, is not known");
  }

  @Test
  void neverPastTheTokensOwnExpiry() {
    VerifiedTokens tokens = new VerifiedTokens(60_000, 100);
    long expSeconds = NOW / 1000 + 10;
    tokens.put("t", ADA, expSeconds, NOW);
    assertEquals(ADA, tokens.get("t", expSeconds * 1000 - 1));
    assertNull(tokens.get("t", expSeconds * 1000), "at exp the signature and the clock are checked again");
    tokens.put("old", ADA, NOW / 1000 - 5, NOW);
    assertNull(tokens.get("old", NOW), "a token past exp (accepted within the leeway) is not kept");
  }

  @Test
  void boundedInSize() {
    VerifiedTokens tokens = new VerifiedTokens(60_000, 3);
    for (int i = 0; i < 10; i++) {
      tokens.put("t" + i, ADA, IN_AN_HOUR, NOW);
      assertTrue(tokens.size() <= 3, "at most 3 entries, had " + tokens.size());
    }
    assertEquals(ADA, tokens.get("t9", NOW), "the newest is kept");
  }

  @Test
  void expiredEntriesMakeRoomFirst() {
    VerifiedTokens tokens = new VerifiedTokens(60_000, 2);
    tokens.put("short", ADA, NOW / 1000 + 1, NOW);
    tokens.put("long", ADA, IN_AN_HOUR, NOW);
    tokens.put("new", ADA, IN_AN_HOUR, NOW + 2_000);
    assertEquals(ADA, tokens.get("long", NOW + 2_000), "a live entry stays when an expired one can go");
    assertEquals(ADA, tokens.get("new", NOW + 2_000));
  }

  @Test
  void maxAgeZeroKeepsNothing() {
    VerifiedTokens tokens = new VerifiedTokens(0, 100);
    tokens.put("t", ADA, IN_AN_HOUR, NOW);
    assertNull(tokens.get("t", NOW));
  }
}
