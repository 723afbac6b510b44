package dev.mesh.gateway;

import dev.mesh.common.MeshError;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The router's one failure handler: every error the gateway answers is the mesh's JSON error shape. */
final class HttpErrors {

  private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);

  private HttpErrors() {
  }

  static void write(RoutingContext ctx) {
    MeshError error = ctx.failure() instanceof MeshError known ? known : fromStatus(ctx);
    if (ctx.response().ended()) {
      return;
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response()
        .setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .end(error.toJson().encode());
  }

  private static MeshError fromStatus(RoutingContext ctx) {
    return switch (ctx.statusCode()) {
      case 400 -> MeshError.badRequest("the request could not be read");
      case 401 -> MeshError.unauthorized("a valid credential is needed");
      case 403 -> MeshError.forbidden("not allowed");
      case 404 -> MeshError.notFound("no route for " + ctx.request().method() + " " + ctx.normalizedPath());
      case 405 -> new MeshError(405, "method_not_allowed", "method not allowed here", null);
      case 413 -> new MeshError(413, "too_large", "the request body is larger than the gateway accepts", null);
      default -> {
        log.error("unexpected failure on {} {}", ctx.request().method(), ctx.normalizedPath(), ctx.failure());
        yield MeshError.internal("the gateway could not handle this request");
      }
    };
  }
}
