package dev.mesh.gateway.pipeline;

import dev.mesh.common.Caller;
import dev.mesh.gateway.routing.RouteTable;
import io.vertx.ext.web.RoutingContext;

/** What the pipeline's steps learn about a request and hand to the steps after them. */
public final class Exchange {

  private static final String MATCH = "mesh.match";
  private static final String CALLER = "mesh.caller";
  private static final String REQUEST_ID = "mesh.requestId";

  private Exchange() {
  }

  /** The route the request matched; set by {@link MatchRoute}, first. */
  public static RouteTable.Match match(RoutingContext ctx) {
    return ctx.get(MATCH);
  }

  static void match(RoutingContext ctx, RouteTable.Match match) {
    ctx.put(MATCH, match);
  }

  /** Who called: {@link Caller#ANONYMOUS} until {@link Authenticate} proved otherwise. */
  public static Caller caller(RoutingContext ctx) {
    Caller caller = ctx.get(CALLER);
    return caller == null ? Caller.ANONYMOUS : caller;
  }

  static void caller(RoutingContext ctx, Caller caller) {
    ctx.put(CALLER, caller);
  }

  public static String requestId(RoutingContext ctx) {
    return ctx.get(REQUEST_ID);
  }

  static void requestId(RoutingContext ctx, String id) {
    ctx.put(REQUEST_ID, id);
  }
}
