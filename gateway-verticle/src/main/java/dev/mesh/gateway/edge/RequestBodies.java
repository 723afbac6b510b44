package dev.mesh.gateway.edge;

import dev.mesh.common.MeshError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;
import java.util.Set;

/**
 * Reads request bodies up to the gateway's limit ({@code GATEWAY_BODY_LIMIT_BYTES}, then 413). Vert.x
 * decodes form and multipart bodies only for POST, PUT, PATCH and DELETE and throws on any other method
 * (a 500); here such a request is a 415 instead, before anything is read.
 */
public final class RequestBodies implements Handler<RoutingContext> {

  private static final Set<HttpMethod> FORM_METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
      HttpMethod.DELETE);

  private final BodyHandler bodies;

  public RequestBodies(int limitBytes) {
    this.bodies = BodyHandler.create(false).setBodyLimit(limitBytes);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && !FORM_METHODS.contains(ctx.request().method()) && isForm(type)) {
      ctx.fail(new MeshError(415, "unsupported_media_type", "a " + ctx.request().method()
          + " request cannot carry a form body; send JSON", null));
      return;
    }
    bodies.handle(ctx);
  }

  private static boolean isForm(String contentType) {
    String type = contentType.trim().toLowerCase(Locale.ROOT);
    return type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded");
  }
}
