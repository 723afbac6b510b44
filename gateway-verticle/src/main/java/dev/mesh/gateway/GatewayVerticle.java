package dev.mesh.gateway;

import dev.mesh.common.Cluster;
import dev.mesh.common.MeshConfig;
import dev.mesh.common.Breakers;
import dev.mesh.common.MeshError;
import dev.mesh.common.MeshService;
import dev.mesh.common.Registry;
import dev.mesh.common.ServiceClient;
import dev.mesh.common.identity.Identities;
import dev.mesh.common.observe.MeshMetrics;
import dev.mesh.gateway.bridge.Bridge;
import dev.mesh.gateway.browser.BrowserEdge;
import dev.mesh.gateway.auth.TokenSettings;
import dev.mesh.gateway.auth.TokenVerifier;
import dev.mesh.gateway.edge.EdgeServer;
import dev.mesh.gateway.observe.RequestObserver;
import dev.mesh.gateway.observe.ServiceGauges;
import dev.mesh.gateway.pipeline.ApiPipeline;
import dev.mesh.gateway.pipeline.RateLimit;
import dev.mesh.gateway.ratelimit.ClusterRateLimiter;
import dev.mesh.gateway.ratelimit.RateLimitSettings;
import dev.mesh.gateway.routing.EventBusUpstream;
import dev.mesh.gateway.routing.RouteTable;
import dev.mesh.gateway.openapi.ApiDocs;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP edge of the mesh. Routes: {@code GET /health}, {@code GET /ready}, {@code GET /metrics}
 * (Prometheus), {@code /api/*} through the {@link ApiPipeline} along the routes the services published
 * in the registry, and
 * {@code /bridge/*}, where services in other languages join the mesh ({@link Bridge}).
 */
public class GatewayVerticle extends VerticleBase {

  /** The name the gateway's calls into services are signed as sent by, for the end user they act for. */
  public static final String SENDER = "gateway";
  public static final String HOST = "GATEWAY_HOST";
  public static final String PORT = "GATEWAY_PORT";
  public static final String REQUEST_TIMEOUT_MS = "GATEWAY_REQUEST_TIMEOUT_MS";
  public static final String BODY_LIMIT = "GATEWAY_BODY_LIMIT_BYTES";
  public static final String REQUIRED_SERVICES = "GATEWAY_REQUIRED_SERVICES";
  public static final String REFRESH_MS = "GATEWAY_REGISTRY_REFRESH_MS";
  public static final String BREAKER_MAX_FAILURES = "GATEWAY_BREAKER_MAX_FAILURES";
  public static final String BREAKER_RESET_MS = "GATEWAY_BREAKER_RESET_MS";

  private static final Logger log = LoggerFactory.getLogger(GatewayVerticle.class);

  private MeshConfig settings;
  private Registry registry;
  private RouteTable table;
  private Breakers breakers;
  private Set<String> required;
  private long timeoutMs;
  private int bodyLimit;
  private MessageConsumer<JsonObject> registryChanges;
  private HttpServer server;
  private Bridge bridge;
  private BrowserEdge browsers;
  private TokenVerifier tokens;
  private RateLimitSettings limits;
  private ClusterRateLimiter limiter;
  private final String instanceId = UUID.randomUUID().toString();
  private ServiceGauges serviceGauges;
  private final AtomicLong refreshes = new AtomicLong();
  private long appliedRefresh;

  @Override
  public Future<?> start() {
    settings = MeshConfig.of(config());
    registry = Registry.create(vertx, settings);
    required = new LinkedHashSet<>(settings.getList(REQUIRED_SERVICES, "users,inventory,orders"));
    table = new RouteTable(required);
    serviceGauges = new ServiceGauges(MeshMetrics.registry(vertx));
    breakers = new Breakers(vertx, "gateway", settings.getInt(BREAKER_MAX_FAILURES, 5),
        settings.getInt(BREAKER_RESET_MS, 5000));
    timeoutMs = settings.getInt(REQUEST_TIMEOUT_MS, 5000);
    bodyLimit = settings.getInt(BODY_LIMIT, 64 * 1024);
    browsers = new BrowserEdge(vertx, settings, registry, table, breakers, timeoutMs);
    limits = RateLimitSettings.from(settings);
    limiter = limits.enabled() ? new ClusterRateLimiter(vertx, limits) : null;
    bridge = new Bridge(vertx, settings, registry, timeoutMs, limits.enabled()
        ? new RateLimit(limiter, limits, RateLimitSettings.BRIDGE) : RoutingContext::next, table::declaredEvents,
        Identities.of(vertx, settings));
    registryChanges = registry.onChange(change -> refreshRoutes());
    // announcements can be missed while a node joins; a periodic read keeps the table honest
    vertx.setPeriodic(settings.getInt(REFRESH_MS, 1000), id -> refreshRoutes());
    String host = settings.get(HOST, "127.0.0.1");
    int port = settings.getInt(PORT, 8080);
    return registryChanges.completion()
        .compose(v -> TokenVerifier.create(vertx, TokenSettings.from(settings)))
        .onSuccess(verifier -> tokens = verifier)
        .compose(v -> refreshRoutes())
        .compose(v -> bridge.start())
        .compose(v -> browsers.start())
        .compose(v -> EdgeServer.create(vertx, settings, router()).listen(port, host))
        .compose(s -> {
          server = s;
          log.info("gateway listening on http://{}:{}", host, s.actualPort());
          // other gateways, the dashboard and ./mesh status see every gateway of the mesh
          return registry.publish(gatewayRecord("http://" + host + ":" + s.actualPort()));
        });
  }

  private Record gatewayRecord(String url) {
    return new Record().setName("gateway").setType(Registry.GATEWAY_TYPE)
        .setLocation(new JsonObject().put("url", url))
        .setMetadata(new JsonObject().put(Registry.NODE, Cluster.nodeId(vertx))
            .put(Registry.INSTANCE, instanceId).put(Registry.VERSION, MeshService.version()));
  }

  @Override
  public Future<?> stop() {
    // the bridge unpublishes its foreign services' records, so it stops while the registry is open
    if (tokens != null) {
      tokens.close();
    }
    return bridge.stop().eventually(registry::unpublishAll).eventually(() -> {
      registry.close();
      return browsers.stop().eventually(() -> server == null ? Future.succeededFuture() : server.close());
    });
  }

  private Router router() {
    Router router = Router.router(vertx);
    // metrics and access log of every request; not of the browsers' event-bus sockets, which live for
    // minutes, and whose SockJS upgrade must be the first route it passes through (or its frames stall)
    router.routeWithRegex("^(?!/eventbus/).*").handler(new RequestObserver(MeshMetrics.registry(vertx), browsers.recentRequests()));
    router.get("/health").handler(this::health);
    router.get("/metrics").handler(ctx -> MeshMetrics.scrape(vertx, ctx.request()));
    router.get("/ready").handler(this::ready);
    // a route's call is guarded by the pipeline's breaker step; an expansion's by its own service's breaker
    ServiceClient services = new ServiceClient(vertx, Identities.of(vertx, settings), SENDER, breakers, timeoutMs);
    new ApiPipeline(table, tokens, limiter, limits, breakers, bodyLimit,
        new EventBusUpstream(services.unguarded().routedBy(table), services), bridge.routeProxy())
        .mount(router, "/api/*");
    router.route("/bridge/*").subRouter(bridge.router(bodyLimit));
    new ApiDocs(table).mount(router); // /openapi.json, live from the route table, and the explorer at /docs
    browsers.mount(router); // the dashboard at /, its event-bus bridge at /eventbus
    router.route().last().handler(ctx -> ctx.fail(MeshError.notFound(
        "no route for " + ctx.request().method() + " " + ctx.normalizedPath())));
    HttpErrors.install(router);
    return router;
  }

  private Future<Void> refreshRoutes() {
    long sequence = refreshes.incrementAndGet();
    return registry.records()
        .onSuccess(records -> {
          // an older read finishing late must not undo a newer one
          if (sequence > appliedRefresh) {
            appliedRefresh = sequence;
            table.update(records);
            serviceGauges.update(table.services());
          }
        })
        .onFailure(e -> log.warn("could not read the registry: {}", e.getMessage()))
        .mapEmpty();
  }

  private void health(RoutingContext ctx) {
    ctx.json(new JsonObject().put("status", "UP"));
  }

  /**
   * 200 only when the cluster is joined and every required service has an instance that can serve.
   * Lists every instance: those serving, and those that marked themselves DOWN (with their reason).
   */
  private void ready(RoutingContext ctx) {
    refreshRoutes().compose(v -> registry.allRecords()).onComplete(read -> {
      List<Record> records = read.succeeded() ? read.result() : List.of();
      boolean joined = Cluster.joined(vertx);
      boolean allServed = required.stream().allMatch(s -> table.instances(s) > 0);
      JsonObject services = new JsonObject();
      for (Map.Entry<String, Integer> entry : table.services().entrySet()) {
        services.put(entry.getKey(), new JsonObject()
            .put("instances", entry.getValue())
            .put("breaker", breakers.state(entry.getKey()).name())
            .put("members", new JsonArray()));
      }
      JsonArray gateways = new JsonArray();
      for (Record record : records) {
        JsonObject metadata = record.getMetadata() == null ? new JsonObject() : record.getMetadata();
        JsonObject member = new JsonObject().put("instance", metadata.getString(Registry.INSTANCE))
            .put("node", metadata.getString(Registry.NODE)).put("status", record.getStatus().name());
        if (Registry.GATEWAY_TYPE.equals(record.getType())) {
          gateways.add(member.put("url", record.getLocation().getString("url")));
        } else if (Registry.TYPE.equals(record.getType()) && services.containsKey(record.getName())) {
          if (metadata.getString(Registry.REASON) != null) {
            member.put("reason", metadata.getString(Registry.REASON));
          }
          services.getJsonObject(record.getName()).getJsonArray("members").add(member);
        }
      }
      JsonObject body = new JsonObject()
          .put("status", joined && allServed ? "UP" : "DOWN")
          .put("cluster", new JsonObject().put("joined", joined).put("node", Cluster.nodeId(vertx))
              .put("members", Cluster.members(vertx).size()))
          .put("services", services)
          .put("gateways", gateways);
      ctx.response().setStatusCode(joined && allServed ? 200 : 503);
      ctx.json(body);
    });
  }
}
