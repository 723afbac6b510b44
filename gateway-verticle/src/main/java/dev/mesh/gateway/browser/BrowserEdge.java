package dev.mesh.gateway.browser;

import dev.mesh.common.Breakers;
import dev.mesh.common.MeshConfig;
import dev.mesh.common.Registry;
import dev.mesh.common.identity.Identities;
import dev.mesh.common.observe.MeshMetrics;
import dev.mesh.gateway.edge.EdgeRefusals;
import dev.mesh.gateway.edge.PageHeaders;
import dev.mesh.gateway.observe.SlidingWindow;
import dev.mesh.gateway.ratelimit.Rate;
import dev.mesh.gateway.routing.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Everything the gateway offers browsers: the live dashboard at {@code /} (static files from the
 * jar's {@code webroot/}), the SockJS event-bus bridge at {@code /eventbus}, the mesh status, the
 * last orders and the charts' figures the page shows. The gateway creates one, starts it, mounts it on
 * its router and stops it.
 */
public final class BrowserEdge {

  public static final String MAX_SOCKETS = "GATEWAY_BRIDGE_MAX_SOCKETS";
  public static final String PING_TIMEOUT_MS = "GATEWAY_BRIDGE_PING_TIMEOUT_MS";
  /**
   * Messages one browser socket may send, {@code capacity/seconds}: 100 at once and 10 a second after.
   * The dashboard sends a ping every 5 s and a handful of reads when it opens.
   */
  public static final String MESSAGE_RATE = "GATEWAY_BRIDGE_MESSAGE_RATE";
  public static final String STATUS_PUBLISH_MS = "GATEWAY_STATUS_PUBLISH_MS";
  public static final String STATS_PUBLISH_MS = "GATEWAY_STATS_PUBLISH_MS";

  // the page, its script and its libraries come from this origin only; its socket goes back to it
  private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; "
      + "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private final BrowserBridge bridge;
  private final MeshStatus status;
  private final RecentOrders orders;
  private final SlidingWindow recentRequests =
      new SlidingWindow(LiveStats.REQUEST_WINDOW_S, System::currentTimeMillis);
  private final LiveStats stats;
  private final long statusPeriodMs;
  private final long statsPeriodMs;
  private final AllowedOrigins origins;

  public BrowserEdge(Vertx vertx, MeshConfig settings, Registry registry, RouteTable table, Breakers breakers,
      long replyTimeoutMs) {
    this.bridge = new BrowserBridge(vertx, Identities.of(vertx, settings), settings.getInt(MAX_SOCKETS, 500),
        settings.getInt(PING_TIMEOUT_MS, 30_000), replyTimeoutMs,
        Rate.parse(MESSAGE_RATE, settings.get(MESSAGE_RATE, "100/10")), new EdgeRefusals(MeshMetrics.registry(vertx)));
    this.status = new MeshStatus(vertx, registry, table, breakers, bridge::openSockets);
    this.statusPeriodMs = settings.getInt(STATUS_PUBLISH_MS, 1000);
    this.orders = new RecentOrders(vertx);
    this.stats = new LiveStats(vertx, recentRequests, bridge::openSockets);
    this.statsPeriodMs = settings.getInt(STATS_PUBLISH_MS, 2000);
    this.origins = new AllowedOrigins(settings.get(AllowedOrigins.SETTING, ""));
  }

  /** Where the gateway's request observer counts every answer per service: the charts' requests. */
  public SlidingWindow recentRequests() {
    return recentRequests;
  }

  public Future<Void> start() {
    return Future.all(status.start(statusPeriodMs), orders.start(), stats.start(statsPeriodMs)).mapEmpty();
  }

  /** Mounts {@code /eventbus/*}, {@code /} and {@code /dashboard/*}. */
  public void mount(Router router) {
    router.route("/eventbus/*").handler(origins);
    router.route("/eventbus/*").subRouter(bridge.router());
    // a wildcard route serves paths relative to its prefix: /dashboard/app.js is webroot/dashboard/app.js
    router.get("/").handler(PageHeaders.withPolicy(CONTENT_SECURITY_POLICY)).handler(files("webroot"));
    router.get("/dashboard/*").handler(PageHeaders.withPolicy(CONTENT_SECURITY_POLICY)).handler(files("webroot/dashboard"));
  }

  private static StaticHandler files(String root) {
    return StaticHandler.create(root)
        .setCachingEnabled(false) // a new gateway version must not meet yesterday's script
        .setDirectoryListing(false);
  }

  public Future<Void> stop() {
    return Future.join(status.stop(), orders.stop(), stats.stop()).mapEmpty();
  }
}
