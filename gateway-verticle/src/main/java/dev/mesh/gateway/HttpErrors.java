package dev.mesh.gateway;

import dev.mesh.common.MeshError;
import dev.mesh.gateway.edge.ClientFaults;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the gateway's routers answer, in the mesh's JSON error shape: the failure handler for
 * what handlers fail with, and the router's error handlers for what Vert.x Web refuses before any
 * handler runs (a bad percent-escape is a 400, a method no route takes a 405). A client's fault is a
 * 4xx logged at DEBUG through {@link ClientFaults}; a 500 with its stack trace means the gateway failed.
 */
public final class HttpErrors {

  private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);

  /** The statuses Vert.x Web may answer by itself; each gets the JSON shape instead of a plain body. */
  private static final List<Integer> ROUTER_STATUSES = List.of(400, 404, 405, 406, 413, 414, 415, 417, 431, 500);

  private HttpErrors() {
  }

  /** Installs the failure handler and the per-status error handlers on a router. */
  public static void install(Router router) {
    router.route().failureHandler(HttpErrors::write);
    for (int status : ROUTER_STATUSES) {
      router.errorHandler(status, ctx -> answer(ctx, status));
    }
  }

  /** The failure handler: a {@link MeshError} as it is, anything else by its status and cause. */
  public static void write(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof MeshError error) {
      send(ctx, error);
    } else if (failure != null && ClientFaults.isClients(failure)) {
      // the request stream broke: a malformed chunk, a connection the client closed
      ClientFaults.rejected(ClientFaults.Kind.GONE, 400, ctx.request(), String.valueOf(failure));
      send(ctx, MeshError.badRequest("the request could not be read: " + ClientFaults.abbreviate(failure.getMessage())));
    } else {
      answer(ctx, ctx.statusCode());
    }
  }

  private static void answer(RoutingContext ctx, int status) {
    MeshError error = switch (status) {
      case 400 -> MeshError.badRequest(ctx.failure() == null ? "the request could not be read"
          : "the request could not be read: " + ClientFaults.abbreviate(ctx.failure().getMessage()));
      case 401 -> MeshError.unauthorized("a valid credential is needed");
      case 403 -> MeshError.forbidden("not allowed");
      case 404 -> MeshError.notFound("no route for " + ctx.request().method() + " "
          + ClientFaults.abbreviate(ctx.request().path()));
      case 405 -> new MeshError(405, "method_not_allowed", ctx.request().method() + " is not allowed here", null);
      case 406 -> new MeshError(406, "not_acceptable", "the gateway answers application/json", null);
      case 413 -> new MeshError(413, "too_large", "the request body is larger than the gateway accepts"
          + " (GATEWAY_BODY_LIMIT_BYTES)", null);
      case 414 -> new MeshError(414, "uri_too_long", "the request URI is longer than the gateway accepts", null);
      case 415 -> new MeshError(415, "unsupported_media_type", "send the request body as application/json", null);
      case 417 -> new MeshError(417, "expectation_failed", "only 'Expect: 100-continue' is understood", null);
      case 431 -> new MeshError(431, "headers_too_large", "the request headers are larger than the gateway accepts", null);
      default -> null;
    };
    if (error != null) {
      ClientFaults.rejected(ClientFaults.Kind.BAD_REQUEST, status, ctx.request(), error.getMessage());
      send(ctx, error);
      return;
    }
    log.error("unexpected failure on {} {}", ctx.request().method(), ClientFaults.abbreviate(ctx.request().path()),
        ctx.failure());
    send(ctx, MeshError.internal("the gateway could not handle this request"));
  }

  private static void send(RoutingContext ctx, MeshError error) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .end(error.toJson().encode());
  }
}
