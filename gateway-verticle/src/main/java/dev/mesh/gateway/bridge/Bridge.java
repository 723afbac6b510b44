package dev.mesh.gateway.bridge;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshError;
import dev.mesh.common.Registry;
import dev.mesh.common.ServiceClient;
import dev.mesh.common.identity.Identities;
import dev.mesh.gateway.edge.EdgeLimits;
import dev.mesh.gateway.edge.RequestBodies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The bridge for services in other languages, on the gateway under {@code /bridge} (contract in
 * docs/bridge.md), plus the TCP event-bus bridge. Every HTTP call needs the bridge credential.
 *
 * <pre>
 * GET    /bridge                          what the bridge offers: its calls, rules, timings, TCP port
 * POST   /bridge/services                 register a foreign service          -> 201 {id, heartbeatIntervalMs, ...}
 * GET    /bridge/services                 the foreign services registered at this gateway
 * PUT    /bridge/services/:id/heartbeat   a sign of life                      -> 200, or 404: register again
 * DELETE /bridge/services/:id             deregister                          -> 204
 * POST   /bridge/request | send | publish call into the mesh
 * POST   /bridge/subscriptions            webhook subscription                -> 201 {id, addresses}
 * GET    /bridge/subscriptions            the webhook subscriptions
 * DELETE /bridge/subscriptions/:id        end a webhook subscription          -> 204
 * GET    /bridge/events?address=...       event stream (SSE, or format=ndjson)
 * GET    /bridge/dead-letters             events no webhook took
 * </pre>
 */
public final class Bridge {

  private final Vertx vertx;
  private final BridgeSettings settings;
  private final BridgeHttp http;
  private final DeadLetters deadLetters;
  private final Subscriptions subscriptions;
  private final ForeignServices services;
  private final EventBusCalls calls;
  private final EventStream stream;
  private final ForeignRouteProxy routeProxy;
  private final TcpBridge tcp;
  private final BridgeAuth auth;
  private final Handler<RoutingContext> registrationLimit;
  private final Supplier<List<String>> eventCatalog;
  /** The calls this bridge answers, as {@code GET /bridge} lists them: {@code [{method, path}]}. */
  private JsonArray routes = new JsonArray();

  /**
   * {@code registrationLimit} runs before each registration (the gateway's rate limit for the bridge);
   * {@code declaredEvents} are the event addresses the services declare in their records, read live.
   */
  public Bridge(Vertx vertx, MeshConfig config, Registry registry, long gatewayTimeoutMs,
      Handler<RoutingContext> registrationLimit, Supplier<List<String>> declaredEvents, Identities identities) {
    this.vertx = vertx;
    this.registrationLimit = registrationLimit;
    this.settings = BridgeSettings.from(config, gatewayTimeoutMs);
    this.http = new BridgeHttp(vertx, settings.proxyPoolSize());
    this.deadLetters = new DeadLetters(vertx, settings.deadLetterLimit());
    this.eventCatalog = () -> Stream.concat(settings.eventCatalog().stream(), declaredEvents.get().stream())
        .distinct().toList();
    this.subscriptions = new Subscriptions(vertx, settings, eventCatalog,
        new WebhookDelivery(vertx, http, deadLetters, settings));
    this.services = new ForeignServices(vertx, registry, settings, http, subscriptions);
    this.calls = new EventBusCalls(vertx,
        new ServiceClient(vertx, identities, BridgeCaller.SENDER, null, settings.forwardTimeoutMs()), settings);
    this.stream = new EventStream(vertx, subscriptions, settings.streamPingMs());
    this.routeProxy = new ForeignRouteProxy(http, gatewayTimeoutMs);
    this.auth = new BridgeAuth(settings.secret(), credential -> services.callerOf(credential, settings));
    this.tcp = new TcpBridge(vertx, settings, auth, services::ownerOf, identities,
        EdgeLimits.from(config).tcpBridgeIdleTimeoutSeconds());
  }

  /** Starts the TCP bridge; the HTTP part is ready as soon as {@link #router()} is mounted. */
  public Future<Void> start() {
    return tcp.start();
  }

  /** Deregisters every foreign service of this gateway (their records go), ends subscriptions and the TCP bridge. */
  public Future<Void> stop() {
    subscriptions.close();
    return Future.join(services.close(), tcp.stop()).compose(v -> http.close());
  }

  /** How the gateway reaches the routes of foreign services. */
  public ForeignRouteProxy routeProxy() {
    return routeProxy;
  }

  /** The routes under {@code /bridge}, to mount with {@code router.route("/bridge/*").subRouter(...)}. */
  public Router router(int bodyLimit) {
    Router router = Router.router(vertx);
    router.route().handler(new RequestBodies(bodyLimit));
    router.route().handler(auth);
    router.getWithRegex("/?").handler(this::describe);
    router.post("/services").handler(registrationLimit).handler(this::register);
    router.get("/services").handler(ctx -> {
      BridgeCaller.of(ctx).checkOperator("the list of foreign services");
      ctx.json(new JsonObject().put("services", services.toJson()));
    });
    router.put("/services/:id/heartbeat").handler(ctx -> {
      BridgeCaller.of(ctx).checkManages(ctx.pathParam("id"));
      services.heartbeat(ctx.pathParam("id")).onSuccess(ctx::json).onFailure(ctx::fail);
    });
    router.delete("/services/:id").handler(ctx -> {
      BridgeCaller.of(ctx).checkManages(ctx.pathParam("id"));
      services.deregister(ctx.pathParam("id")).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
    });
    router.post("/request").handler(ctx -> calls.request(ctx, services::ownerOf));
    router.post("/send").handler(ctx -> calls.send(ctx, services::ownerOf));
    router.post("/publish").handler(calls::publish);
    router.post("/subscriptions").handler(this::subscribe);
    router.get("/subscriptions").handler(ctx -> ctx.json(new JsonObject()
        .put("subscriptions", subscriptions.toJson(BridgeCaller.of(ctx).serviceId()))));
    router.delete("/subscriptions/:id").handler(this::unsubscribe);
    router.get("/events").handler(stream::open);
    router.get("/dead-letters").handler(ctx -> {
      BridgeCaller.of(ctx).checkOperator("the dead letters");
      ctx.json(deadLetters.toJson());
    });
    routes = new JsonArray();
    router.getRoutes().stream().filter(r -> r.getPath() != null && r.methods() != null)
        .forEach(r -> r.methods().forEach(m -> routes.add(new JsonObject().put("method", m.name())
            .put("path", "/bridge" + r.getPath()))));
    return router;
  }

  private void register(RoutingContext ctx) {
    Registration registration = Registration.parse(jsonBody(ctx), settings.rules());
    BridgeCaller caller = BridgeCaller.of(ctx);
    if (!caller.operator() && !caller.name().equals(registration.name())) {
      throw MeshError.forbidden("a service credential registers only its own name '" + caller.name() + "'");
    }
    services.register(registration)
        .onSuccess(answer -> {
          ctx.response().setStatusCode(201);
          ctx.json(answer);
        })
        .onFailure(ctx::fail);
  }

  private void subscribe(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    JsonObject problems = new JsonObject();
    String url = Registration.httpUrl(body, "url", true, problems);
    List<String> addresses = Registration.subscriptionAddresses(body, problems);
    if (!problems.isEmpty()) {
      throw MeshError.invalid(problems);
    }
    // the webhook is its maker's: a foreign service's goes when it deregisters, and only it manages it
    subscriptions.addWebhook(addresses, url, BridgeCaller.of(ctx).serviceId())
        .onSuccess(webhook -> {
          ctx.response().setStatusCode(201);
          ctx.json(webhook.toJson());
        })
        .onFailure(ctx::fail);
  }

  private void unsubscribe(RoutingContext ctx) {
    if (!subscriptions.remove(ctx.pathParam("id"), BridgeCaller.of(ctx).serviceId())) {
      throw MeshError.notFound("no subscription '" + ctx.pathParam("id") + "'");
    }
    ctx.response().setStatusCode(204).end();
  }

  private void describe(RoutingContext ctx) {
    AddressRules rules = settings.rules();
    ctx.json(new JsonObject()
        .put("allow", new JsonObject()
            .put("send", String.join(",", rules.regexes(AddressRules.Kind.SEND)))
            .put("publish", String.join(",", rules.regexes(AddressRules.Kind.PUBLISH)))
            .put("subscribe", String.join(",", rules.regexes(AddressRules.Kind.SUBSCRIBE))))
        .put("eventAddresses", eventCatalog.get())
        .put("routes", routes)
        .put("heartbeatIntervalMs", settings.heartbeatIntervalMs())
        .put("heartbeatTimeoutMs", settings.heartbeatTimeoutMs())
        .put("forgetAfterMs", settings.forgetAfterMs())
        .put("tcp", new JsonObject().put("host", settings.tcpHost()).put("port", tcp.port())
            .put("listening", tcp.port() >= 0)));
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    JsonObject json = RequestBodies.jsonObject(ctx);
    if (json == null) {
      throw MeshError.badRequest("the request body must be a JSON object");
    }
    return json;
  }
}
