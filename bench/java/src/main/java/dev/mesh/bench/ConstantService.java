package dev.mesh.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.servicediscovery.ServiceDiscoveryOptions;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mesh service that answers a constant JSON document: joins the mesh's cluster, consumes
 * {@code mesh.bench} and publishes the same kind of registry record a MeshService does, with the route
 * {@code GET /api/bench/constant}. The gateway then routes it like any service, which measures the
 * gateway's HTTP -> event bus -> HTTP path with no work behind it.
 */
final class ConstantService {

  static final String ADDRESS = "mesh.bench";
  static final String ROUTE = "/api/bench/constant";

  private static final Logger log = LoggerFactory.getLogger(ConstantService.class);

  private ConstantService() {
  }

  static void run(Args args) {
    String cluster = args.required("cluster");
    int port = args.getInt("clusterPort", 5701);
    try {
      Vertx vertx = await(Clustered.join(cluster, port));
      JsonObject constant = new JsonObject(ConstantBackend.BODY);
      DeliveryOptions ok = new DeliveryOptions().addHeader("status", "200");
      await(vertx.eventBus().consumer(ADDRESS, message -> message.reply(constant, ok)).completion());
      ServiceDiscovery discovery = ServiceDiscovery.create(vertx, new ServiceDiscoveryOptions());
      Record record = await(discovery.publish(record(vertx)));
      log.info("constant service ready: {} on {}, route GET {}", ADDRESS, cluster, ROUTE);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          await(discovery.unpublish(record.getRegistration()));
          await(vertx.close());
        } catch (Exception e) {
          log.warn("constant service did not stop cleanly: {}", e.toString());
        }
      }));
    } catch (Exception e) {
      log.error("constant service failed to start", e);
      System.exit(1);
    }
  }

  private static Record record(Vertx vertx) {
    JsonArray routes = new JsonArray().add(new JsonObject()
        .put("method", "GET").put("path", ROUTE).put("action", "constant"));
    return new Record().setName("bench").setType("mesh-service")
        .setLocation(new JsonObject().put("address", ADDRESS))
        .setMetadata(new JsonObject()
            .put("node", ((VertxInternal) vertx).clusterManager().getNodeId())
            .put("instance", UUID.randomUUID().toString())
            .put("version", "bench")
            .put("routes", routes));
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
