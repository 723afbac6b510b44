package dev.mesh.gateway.edge;

import dev.mesh.common.MeshError;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;
import java.util.Set;

/**
 * Reads request bodies up to the gateway's limit ({@code GATEWAY_BODY_LIMIT_BYTES}, then 413). The mesh
 * speaks JSON, so forms are refused with a 415 before anything is read where Vert.x would mishandle them:
 * a multipart body is decoded into form attributes and leaves an empty body behind (which the action
 * would run with, as if the client had sent {@code {}}), and a form body on a GET makes Vert.x throw
 * (a 500). A URL-encoded body on POST, PUT, PATCH or DELETE is kept as it is: the JSON routes refuse it
 * as not JSON, and a foreign service behind the bridge receives it unchanged.
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
    String lower = type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
    if (lower.startsWith("multipart/")) {
      refuse(ctx, "multipart bodies are not accepted; send JSON");
      return;
    }
    if (lower.startsWith("application/x-www-form-urlencoded") && !FORM_METHODS.contains(ctx.request().method())) {
      refuse(ctx, "a " + ctx.request().method() + " request cannot carry a form body; send JSON");
      return;
    }
    bodies.handle(ctx);
  }

  private static void refuse(RoutingContext ctx, String message) {
    ClientFaults.rejected(ClientFaults.Kind.BAD_REQUEST, 415, ctx.request(), message);
    ctx.fail(new MeshError(415, "unsupported_media_type", message, null));
  }

  /**
   * The request's body as a JSON object; null when it is empty or anything else (not JSON, an array, a
   * string), for the caller to answer with a 400 in its own words.
   */
  public static JsonObject jsonObject(RoutingContext ctx) {
    try {
      return ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException notAnObject) {
      return null;
    }
  }
}
