package dev.mesh.gateway.pipeline;

import dev.mesh.common.MeshError;
import dev.mesh.gateway.auth.TokenVerifier;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Who is calling: a request without {@code Authorization} is anonymous (the route's rules decide whether
 * that is enough); a bearer token is verified, and a bad one is a 401 on any route, so a client learns
 * at once that its token no longer works.
 */
final class Authenticate implements Handler<RoutingContext> {

  private static final String BEARER = "Bearer ";

  private final TokenVerifier tokens;

  Authenticate(TokenVerifier tokens) {
    this.tokens = tokens;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      ctx.next();
      return;
    }
    if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length()) || header.length() == BEARER.length()) {
      Authorize.challenge(ctx, "invalid_request");
      ctx.fail(MeshError.unauthorized("the Authorization header must be 'Bearer <token>'"));
      return;
    }
    tokens.verify(header.substring(BEARER.length()).trim())
        .onSuccess(caller -> {
          Exchange.caller(ctx, caller);
          ctx.next();
        })
        .onFailure(failure -> {
          Authorize.challenge(ctx, "invalid_token");
          ctx.fail(failure);
        });
  }
}
