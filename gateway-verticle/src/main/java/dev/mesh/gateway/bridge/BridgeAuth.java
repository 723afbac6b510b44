package dev.mesh.gateway.bridge;

import dev.mesh.common.MeshError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Every bridge call carries {@code Authorization: Bearer <BRIDGE_SECRET>}: none is a 401 (with
 * {@code WWW-Authenticate}), a wrong one a 403.
 */
final class BridgeAuth implements Handler<RoutingContext> {

  private static final String PREFIX = "Bearer ";

  private final byte[] secret;

  BridgeAuth(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"mesh-bridge\"");
      ctx.fail(new MeshError(401, "unauthorized",
          "the bridge needs the header 'Authorization: Bearer <BRIDGE_SECRET>'", null));
      return;
    }
    byte[] given = header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
    // constant time, so the secret cannot be guessed byte by byte from response times
    if (!MessageDigest.isEqual(given, secret)) {
      ctx.fail(new MeshError(403, "forbidden", "the bridge credential is not valid", null));
      return;
    }
    ctx.next();
  }
}
