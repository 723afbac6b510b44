package dev.mesh.gateway.edge;

import dev.mesh.common.MeshError;
import dev.mesh.gateway.ratelimit.AddressBuckets;
import dev.mesh.gateway.ratelimit.TokenBucket;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The first thing every request meets, before the router, before its token is checked: one token from
 * its client address's bucket ({@link EdgeLimits#rate()}), or a 429 in the mesh's error shape. So a
 * flood of bad tokens, of garbage or of anonymous calls from one host is cut by its address, where
 * today's cluster-wide limits ({@code pipeline/RateLimit}) count only what got past authentication.
 *
 * <p>Local to this gateway on purpose. A cluster-wide bucket ({@code ClusterRateLimiter}) costs a worker
 * thread hop and, for a busy key, a Hazelcast round trip every dozen requests; asking the cluster per
 * request is what a flood must not make the gateway do. This check is a map read and some arithmetic on
 * the event loop: no allocation for a known address, no blocking, no I/O. The price: with N gateways an
 * address may send N times the rate, which is documented as a per-gateway limit.
 *
 * <p>The address is the TCP peer's. Forwarded headers are not trusted: anyone can write them. Behind a
 * proxy every client has the proxy's address, so the limit there must be raised (or kept at the proxy).
 */
public final class AddressShield {

  private final AddressBuckets buckets;
  private final EdgeRefusals refusals;

  public AddressShield(AddressBuckets buckets, EdgeRefusals refusals) {
    this.buckets = buckets;
    this.refusals = refusals;
  }

  /** {@code next} for the requests within their address's rate; the others are answered 429 here. */
  public Handler<HttpServerRequest> guard(Handler<HttpServerRequest> next) {
    return request -> {
      if (admit(request, false)) {
        next.handle(request);
      }
    };
  }

  /**
   * The same for requests Netty could not decode ({@link InvalidRequests}): the 429 closes the connection,
   * since nothing after such a request can be trusted to start where the client meant.
   */
  public Handler<HttpServerRequest> guardInvalid(Handler<HttpServerRequest> next) {
    return request -> {
      if (admit(request, true)) {
        next.handle(request);
      }
    };
  }

  /** True when the request may go on; else it has been answered (and its connection closed if asked). */
  private boolean admit(HttpServerRequest request, boolean close) {
    long now = System.nanoTime();
    TokenBucket bucket = buckets.of(address(request.remoteAddress()), now);
    if (bucket.tryTake(now)) {
      return true;
    }
    refusals.count(EdgeRefusals.Reason.ADDRESS_RATE);
    long retryAfter = bucket.secondsToNextToken(now);
    MeshError error = new MeshError(429, "too_many_requests", "this client address sent more than "
        + buckets.rate().capacity() + " requests per " + buckets.rate().period().toSeconds()
        + " s to this gateway (GATEWAY_EDGE_RATE_LIMIT); retry after " + retryAfter + " s", null);
    ClientFaults.rejected(ClientFaults.Kind.RATE, 429, request, error.getMessage());
    request.response()
        .setStatusCode(429)
        .putHeader("Content-Type", "application/json")
        .putHeader("Retry-After", Long.toString(retryAfter));
    if (close) {
      request.response().putHeader("Connection", "close").end(error.toJson().encode())
          .onComplete(done -> request.connection().close());
    } else {
      request.response().end(error.toJson().encode());
    }
    return false;
  }

  /**
   * The peer's IP as text. {@code host()}, not {@code hostAddress()}: the connection keeps its remote
   * address, whose {@code host()} is the literal IP made once per connection, where {@code hostAddress()}
   * formats a new string on every call (an allocation per request on the hot path).
   */
  static String address(SocketAddress remote) {
    if (remote == null) {
      return "unknown";
    }
    String host = remote.host();
    return host == null ? "unknown" : host;
  }
}
