package dev.mesh.gateway.openapi;

import dev.mesh.common.MeshService;
import dev.mesh.gateway.edge.PageHeaders;
import dev.mesh.gateway.routing.RouteTable;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The gateway describing the mesh: {@code GET /openapi.json}, built live from the route table, and the API
 * explorer at {@code /docs} (Swagger UI from the npm registry, pinned by src/main/npm/package-lock.json
 * and copied into the jar by the build), which reads that document and can try every route.
 */
public final class ApiDocs {

  /**
   * Same origin only, as the dashboard: Swagger UI runs from our own script file (no inline script), sets
   * its styles through the DOM (which a policy does not restrict), and its icons are data: images.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
      + " connect-src 'self'; img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none';"
      + " form-action 'none'; frame-ancestors 'none'";

  private final RouteTable table;

  public ApiDocs(RouteTable table) {
    this.table = table;
  }

  /** Mounts {@code GET /openapi.json}, {@code /docs} and {@code /docs/*}. */
  public void mount(Router router) {
    router.get("/openapi.json").handler(this::document);
    // "/docs/*" also matches "/docs": send that to "/docs/" so the page's relative world is its folder
    router.get("/docs/*").handler(ApiDocs::toFolder).handler(PageHeaders.withPolicy(CONTENT_SECURITY_POLICY))
        .handler(StaticHandler.create("webroot/docs")
        .setCachingEnabled(false)
        .setDirectoryListing(false));
  }

  private void document(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store");
    ctx.json(OpenApiDocument.build(table.liveRoutes(), MeshService.version()));
  }

  private static void toFolder(RoutingContext ctx) {
    if ("/docs".equals(ctx.request().path())) {
      ctx.redirect("/docs/");
    } else {
      ctx.next();
    }
  }
}
