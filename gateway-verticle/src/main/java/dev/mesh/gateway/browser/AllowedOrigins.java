package dev.mesh.gateway.browser;

import dev.mesh.common.MeshError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Only pages of allowed origins may open the browser bridge: the gateway's own origin always, others
 * when {@code GATEWAY_ALLOWED_ORIGINS} lists them (comma-separated, e.g. {@code https://shop.example}).
 * A browser always sends {@code Origin} with a WebSocket or cross-origin request, so another site's page
 * cannot ride a visitor's browser into the event bus; a client that is no browser sends none.
 */
final class AllowedOrigins implements Handler<RoutingContext> {

  static final String SETTING = "GATEWAY_ALLOWED_ORIGINS";

  private final Set<String> allowed;

  AllowedOrigins(String setting) {
    this.allowed = Arrays.stream(setting.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
        .filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null || allowed.contains(origin.toLowerCase(Locale.ROOT)) || sameOrigin(ctx, origin)) {
      ctx.next();
      return;
    }
    ctx.fail(MeshError.forbidden("origin '" + origin + "' may not open the event-bus bridge; "
        + SETTING + " lists the allowed ones"));
  }

  private static boolean sameOrigin(RoutingContext ctx, String origin) {
    return ctx.request().authority() != null
        && origin.equalsIgnoreCase(ctx.request().scheme() + "://" + ctx.request().authority());
  }
}
