package dev.mesh.gateway.pipeline;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Every request has an id, echoed in {@code X-Request-Id}: the client's own when it gave a sane one
 * (so it can find its call in logs), otherwise a fresh one.
 */
final class RequestId implements Handler<RoutingContext> {

  static final String HEADER = "X-Request-Id";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  @Override
  public void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    Exchange.requestId(ctx, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }
}
