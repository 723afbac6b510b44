package dev.mesh.gateway.bridge;

import dev.mesh.common.MeshError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Function;

/**
 * Every bridge call carries {@code Authorization: Bearer <credential>}: the bootstrap
 * {@code BRIDGE_SECRET} (the operator) or a registered service's own credential ({@link BridgeCaller}).
 * None is a 401 (with {@code WWW-Authenticate}), a wrong one a 403.
 */
final class BridgeAuth implements Handler<RoutingContext> {

  private static final String PREFIX = "Bearer ";

  private final byte[] secret;
  private final Function<String, BridgeCaller> services;

  /** {@code services} finds the caller a service credential belongs to, or null. */
  BridgeAuth(String secret, Function<String, BridgeCaller> services) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.services = services;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"mesh-bridge\"");
      ctx.fail(new MeshError(401, "unauthorized",
          "the bridge needs the header 'Authorization: Bearer <BRIDGE_SECRET or the service's credential>'", null));
      return;
    }
    BridgeCaller caller = identify(header.substring(PREFIX.length()).trim());
    if (caller == null) {
      ctx.fail(new MeshError(403, "forbidden", "the bridge credential is not valid", null));
      return;
    }
    caller.putInto(ctx);
    ctx.next();
  }

  /** The operator, a registered service, or null. */
  BridgeCaller identify(String credential) {
    // constant time, so the secret cannot be guessed byte by byte from response times
    if (MessageDigest.isEqual(credential.getBytes(StandardCharsets.UTF_8), secret)) {
      return BridgeCaller.OPERATOR;
    }
    return services.apply(credential);
  }
}
