package dev.mesh.gateway.pipeline;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshError;
import dev.mesh.gateway.ratelimit.ClusterRateLimiter;
import dev.mesh.gateway.ratelimit.RateLimitSettings;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One token per request from the caller's bucket for the route's class: per identity, or per client
 * address for an anonymous call. Every answer says where the caller stands, in the IETF draft's
 * {@code RateLimit-Policy} and {@code RateLimit} headers; over the limit is a 429 with
 * {@code Retry-After}.
 */
public final class RateLimit implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(RateLimit.class);

  private final ClusterRateLimiter limiter;
  private final RateLimitSettings settings;
  private final String fixedClass;

  /** For {@code /api}: the class the matched route declares. */
  RateLimit(ClusterRateLimiter limiter, RateLimitSettings settings) {
    this(limiter, settings, null);
  }

  /** For a door of its own, such as bridge registration: always {@code limitClass}. */
  public RateLimit(ClusterRateLimiter limiter, RateLimitSettings settings, String limitClass) {
    this.limiter = limiter;
    this.settings = settings;
    this.fixedClass = limitClass;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String declared = fixedClass != null ? fixedClass : Exchange.match(ctx).route().rateClass();
    RateLimitSettings.Limit limit = settings.of(declared, ctx.request().method().name());
    limiter.take(limit, key(ctx)).onComplete(taken -> {
      if (taken.failed()) {
        // the cluster's map did not answer: serve the request rather than fail every call while it is away
        log.warn("rate limit not checked: {}", taken.cause().toString());
        ctx.next();
        return;
      }
      ClusterRateLimiter.Outcome outcome = taken.result();
      HttpServerResponse response = ctx.response();
      response.putHeader("RateLimit-Policy", "\"" + limit.name() + "\";q=" + limit.capacity() + ";w="
          + limit.period().toSeconds());
      response.putHeader("RateLimit", "\"" + limit.name() + "\";r=" + outcome.remaining() + ";t="
          + (outcome.allowed() ? outcome.resetSeconds() : outcome.retryAfterSeconds()));
      if (outcome.allowed()) {
        ctx.next();
      } else {
        response.putHeader("Retry-After", Long.toString(outcome.retryAfterSeconds()));
        ctx.fail(new MeshError(429, "too_many_requests", "over the '" + limit.name() + "' limit of "
            + limit.capacity() + " requests per " + limit.period().toSeconds() + " s; retry after "
            + outcome.retryAfterSeconds() + " s", null));
      }
    });
  }

  private static String key(RoutingContext ctx) {
    Caller caller = Exchange.caller(ctx);
    if (caller.authenticated()) {
      return "sub:" + caller.subject();
    }
    return "addr:" + (ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress());
  }
}
