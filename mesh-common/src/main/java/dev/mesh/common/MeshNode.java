package dev.mesh.common;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import dev.mesh.common.observe.MeshMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.mesh.common.observe.MeshTracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.vertx.core.json.JsonObject;
import io.vertx.core.DeploymentOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a clustered Vert.x node, and is the {@code main} behind every service's fat jar. */
public final class MeshNode {

  public static final String HEALTH_PORT = "MESH_HEALTH_PORT";
  public static final String HEALTH_HOST = "MESH_HEALTH_HOST";
  public static final String NATIVE_TRANSPORT = "MESH_NATIVE_TRANSPORT";

  private static final Logger log = LoggerFactory.getLogger(MeshNode.class);

  private MeshNode() {
  }

  /** A Vert.x instance joined to the mesh cluster described by {@code cluster.xml} and the settings. */
  public static Future<Vertx> clustered(MeshConfig settings) {
    return clustered(settings, "mesh");
  }

  /** The same, for a named service: the name its traces carry. */
  public static Future<Vertx> clustered(MeshConfig settings, String service) {
    VertxOptions options = new VertxOptions()
        .setPreferNativeTransport(settings.getBoolean(NATIVE_TRANSPORT, false));
    // the event bus talks to other nodes on the interface Hazelcast uses (loopback by default), on a
    // fixed port when a firewall needs one, and announces the address the other nodes reach it at
    int eventBusPort = settings.getInt(ClusterConfig.EVENTBUS_PORT, 0);
    options.getEventBusOptions()
        .setHost(ClusterConfig.host(settings))
        .setPort(eventBusPort)
        .setClusterPublicHost(ClusterConfig.publicHost(settings));
    // metrics and tracing are switched on here, once, for everything this node does
    VertxBuilder builder = Vertx.builder();
    PrometheusMeterRegistry metrics = MeshMetrics.enable(settings, options, builder);
    OpenTelemetrySdk tracing = MeshTracing.enable(settings, service, options, builder);
    return builder
        .with(options)
        .withClusterManager(new HazelcastClusterManager(ClusterConfig.load(settings)))
        .buildClustered()
        .onSuccess(vertx -> logTransport(vertx, options))
        .onSuccess(vertx -> MeshMetrics.attach(vertx, metrics))
        .onSuccess(vertx -> MeshTracing.attach(vertx, settings, tracing))
        .onFailure(e -> closeTracing(tracing))
        .onSuccess(vertx -> {
          if (tracing != null) {
            // spans still buffered go out before the node is gone
            ((io.vertx.core.internal.VertxInternal) vertx).addCloseHook(done -> {
              closeTracing(tracing);
              done.succeed();
            });
          }
        });
  }

  private static void logTransport(Vertx vertx, VertxOptions options) {
    if (vertx.isNativeTransportEnabled()) {
      log.info("network transport: native (epoll)");
    } else if (options.getPreferNativeTransport()) {
      log.warn("network transport: NIO, the native one is unavailable: {}", String.valueOf(vertx.unavailableNativeTransportCause()));
    }
  }

  private static void closeTracing(OpenTelemetrySdk tracing) {
    if (tracing != null) {
      tracing.shutdown().join(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Joins the cluster, deploys the service and stays up until SIGTERM, when the verticle is undeployed
   * (it unpublishes its records) and the node leaves the cluster.
   */
  public static void run(String service, Supplier<? extends Deployable> verticle) {
    MeshConfig settings = MeshConfig.fromEnvironment();
    Vertx vertx;
    try {
      vertx = await(clustered(settings, service), 120);
      await(vertx.deployVerticle(verticle.get(), new DeploymentOptions().setConfig(new JsonObject())), 180);
    } catch (Exception e) {
      log.error("{} failed to start", service, e);
      System.exit(1);
      return;
    }
    startHealthEndpoint(vertx, settings, service);
    log.info("{} is up", service);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("{} is stopping", service);
      try {
        await(vertx.close(), 30);
        log.info("{} left the cluster", service);
      } catch (Exception e) {
        log.warn("{} did not stop cleanly", service, e);
      }
    }, "mesh-shutdown"));
  }

  /**
   * With MESH_HEALTH_PORT set, a health endpoint for orchestrators: {@code GET /health} (readiness, the
   * image's HEALTHCHECK) is 200 while this node is in the cluster and its service can serve (e.g. reaches
   * its database), otherwise 503 with the reason; {@code GET /live} (liveness) is 200 while the JVM
   * answers at all; and {@code GET /metrics} for Prometheus. The gateway has its own /health and /metrics.
   */
  private static void startHealthEndpoint(Vertx vertx, MeshConfig settings, String service) {
    int port = settings.getInt(HEALTH_PORT, 0);
    if (port <= 0) {
      return;
    }
    vertx.createHttpServer().requestHandler(request -> {
      if (request.path().equals("/metrics")) {
        MeshMetrics.scrape(vertx, request);
        return;
      }
      if (request.path().equals("/live")) {
        // liveness: this JVM answers, nothing more. An unreachable database or cluster is not a reason to
        // restart it: it withdraws (503 on /health) and heals by itself when they come back.
        request.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "UP").put("service", service).encode());
        return;
      }
      String serving = vertx.sharedData().<String, String>getLocalMap(MeshService.HEALTH_MAP)
          .getOrDefault(service, "UP");
      boolean up = Cluster.joined(vertx) && "UP".equals(serving);
      JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN").put("service", service);
      if (!"UP".equals(serving)) {
        body.put("reason", serving);
      }
      request.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
          .end(body.encode());
    }).listen(port, settings.get(HEALTH_HOST, "127.0.0.1"))
        .onFailure(e -> log.warn("health endpoint could not listen on {}: {}", port, e.getMessage()));
  }

  private static <T> T await(Future<T> future, int seconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }
}
