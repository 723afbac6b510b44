package dev.mesh.gateway.bridge;

import dev.mesh.common.Caller;
import dev.mesh.gateway.routing.RouteTable;
import dev.mesh.gateway.routing.Upstream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proxies an {@code /api/*} request to a foreign service over HTTP (keep-alive, pooled): same method,
 * path and query, headers and body, to {@code <baseUrl><path>}. The caller the gateway verified travels
 * in {@code X-Mesh-Subject}, {@code X-Mesh-Roles} and {@code X-Mesh-Scopes} (comma-separated); any
 * {@code X-Mesh-*} header the client sent and its {@code Authorization} are not forwarded. A 2xx/3xx answer goes back as it is;
 * a 4xx/5xx fails the returned future with the mesh error (so breakers count 5xx and the client gets
 * the one JSON error shape); no connection is 503, no answer in time 504.
 */
public final class ForeignRouteProxy implements Upstream {

  public static final String SUBJECT = "X-Mesh-Subject";
  public static final String ROLES = "X-Mesh-Roles";
  public static final String SCOPES = "X-Mesh-Scopes";

  /** Hop-by-hop headers (RFC 9110 section 7.6.1) and what the client connection computes itself; the
   * client's trace context too: the gateway's tracer writes its own, naming the gateway's call as parent,
   * and a second {@code traceparent} would make the service continue the client's span instead. */
  private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
      "content-length", "authorization", "traceparent", "tracestate");
  private static final String MESH_PREFIX = "x-mesh-";

  /** A base URL taken apart once, not on every request (URL parsing showed in the proxy's profile). */
  private record Target(String host, int port, boolean ssl, String pathPrefix) {
    static Target parse(String baseUrl) {
      URI uri = URI.create(baseUrl);
      boolean ssl = "https".equals(uri.getScheme());
      int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      return new Target(uri.getHost(), port, ssl, path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }
  }

  private final BridgeHttp http;
  private final long timeoutMs;
  private final Map<String, Target> targets = new ConcurrentHashMap<>();

  ForeignRouteProxy(BridgeHttp http, long timeoutMs) {
    this.http = http;
    this.timeoutMs = timeoutMs;
  }

  /** Completes once the answer is written; fails with a MeshError for the router to write instead. */
  @Override
  public Future<Void> forward(RoutingContext ctx, RouteTable.Match match, Caller caller) {
    String endpoint = match.endpoint();
    HttpServerRequest request = ctx.request();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    copy(request.headers(), headers);
    Target target = targets.computeIfAbsent(endpoint, Target::parse);
    RequestOptions options = new RequestOptions()
        .setMethod(request.method())
        .setHost(target.host()).setPort(target.port()).setSsl(target.ssl())
        // the path the route was matched on, not the raw one: what the gateway checked is what is forwarded
        .setURI(target.pathPrefix() + ctx.normalizedPath() + (request.query() == null ? "" : "?" + request.query()))
        .setHeaders(headers);
    options.putHeader("X-Forwarded-For", request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress());
    options.putHeader("X-Forwarded-Host", request.authority() == null ? "" : request.authority().toString());
    options.putHeader("X-Forwarded-Proto", request.scheme());
    if (caller.authenticated()) {
      options.putHeader(SUBJECT, caller.subject());
      options.putHeader(ROLES, String.join(",", caller.roles()));
      options.putHeader(SCOPES, String.join(",", caller.scopes()));
    }
    return http.send(options, ctx.body().buffer(), timeoutMs).compose(answer -> {
      if (answer.status() >= 400) {
        return Future.failedFuture(BridgeHttp.errorOf(answer));
      }
      HttpServerResponse response = ctx.response().setStatusCode(answer.status());
      copy(answer.headers(), response.headers());
      // a client that left before the answer is not the service's fault: the breaker must not count it
      response.end(answer.body() == null ? Buffer.buffer() : answer.body());
      return Future.succeededFuture();
    });
  }

  private static void copy(MultiMap from, MultiMap to) {
    for (Map.Entry<String, String> header : from) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!NOT_FORWARDED.contains(name) && !name.startsWith(MESH_PREFIX)) {
        to.add(header.getKey(), header.getValue());
      }
    }
  }
}
