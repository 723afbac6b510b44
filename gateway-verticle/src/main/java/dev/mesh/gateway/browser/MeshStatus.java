package dev.mesh.gateway.browser;

import dev.mesh.common.Breakers;
import dev.mesh.common.Cluster;
import dev.mesh.common.MeshError;
import dev.mesh.common.Registry;
import dev.mesh.gateway.routing.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.Status;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh as this gateway sees it, for the dashboard: every service with its instances (from the
 * registry) and its breaker state. Answered on {@link #READ_ADDRESS} and published on
 * {@link #EVENT_ADDRESS} every period while at least one browser is connected. Both stay on this node:
 * a second gateway answers its own browsers with its own view.
 *
 * <p>Shape: {@code {"at":…, "cluster":{"joined":true,"node":"…","members":4},
 * "services":[{"name":"inventory","breaker":"CLOSED","instances":[{"instance":"…","node":"…","version":"…"}],
 * "down":[{"instance":"…","node":"…","version":"…","reason":"…"}]}], "gateways":[{"url":"…","node":"…"}]}}}.
 * {@code instances} are those serving; {@code down} those that marked themselves unable to (e.g. their
 * database is unreachable).
 */
final class MeshStatus {

  static final String READ_ADDRESS = "gateway.status";
  static final String EVENT_ADDRESS = "events.mesh.status";

  private static final Logger log = LoggerFactory.getLogger(MeshStatus.class);

  private final Vertx vertx;
  private final Registry registry;
  private final RouteTable table;
  private final Breakers breakers;
  private final IntSupplier listeners;
  private MessageConsumer<Object> reads;
  private long publisher = -1;

  MeshStatus(Vertx vertx, Registry registry, RouteTable table, Breakers breakers, IntSupplier listeners) {
    this.vertx = vertx;
    this.registry = registry;
    this.table = table;
    this.breakers = breakers;
    this.listeners = listeners;
  }

  Future<Void> start(long periodMs) {
    reads = vertx.eventBus().localConsumer(READ_ADDRESS, message -> snapshot()
        .onSuccess(message::reply)
        .onFailure(e -> message.fail(503, MeshError.unavailable("the registry could not be read").toJson().encode())));
    publisher = vertx.setPeriodic(periodMs, id -> publishIfWatched());
    return reads.completion();
  }

  Future<Void> stop() {
    vertx.cancelTimer(publisher);
    return reads == null ? Future.succeededFuture() : reads.unregister();
  }

  private void publishIfWatched() {
    if (listeners.getAsInt() == 0) {
      return; // nobody to tell: no registry reads for an empty room
    }
    snapshot()
        .onSuccess(status -> vertx.eventBus().publish(EVENT_ADDRESS, status, new DeliveryOptions().setLocalOnly(true)))
        .onFailure(e -> log.debug("status not published: {}", e.getMessage()));
  }

  Future<JsonObject> snapshot() {
    return registry.allRecords().map(this::describe);
  }

  private JsonObject describe(List<Record> records) {
    Map<String, JsonArray> instances = new TreeMap<>();
    Map<String, JsonArray> down = new TreeMap<>();
    JsonArray gateways = new JsonArray();
    // services the gateway knows stay listed with no instance: a service going away stays visible
    new TreeSet<>(table.services().keySet()).forEach(name -> instances.put(name, new JsonArray()));
    for (Record record : records) {
      JsonObject metadata = record.getMetadata() == null ? new JsonObject() : record.getMetadata();
      if (Registry.GATEWAY_TYPE.equals(record.getType())) {
        gateways.add(new JsonObject().put("url", record.getLocation().getString("url"))
            .put("node", metadata.getString(Registry.NODE)));
        continue;
      }
      if (!Registry.TYPE.equals(record.getType())) {
        continue;
      }
      JsonObject instance = new JsonObject()
          .put("instance", metadata.getString(Registry.INSTANCE))
          .put("node", metadata.getString(Registry.NODE))
          .put("version", metadata.getString(Registry.VERSION));
      if (record.getStatus() == Status.UP) {
        instances.computeIfAbsent(record.getName(), name -> new JsonArray()).add(instance);
      } else {
        instances.computeIfAbsent(record.getName(), name -> new JsonArray());
        down.computeIfAbsent(record.getName(), name -> new JsonArray())
            .add(instance.put("reason", metadata.getString(Registry.REASON)));
      }
    }
    JsonArray services = new JsonArray();
    instances.forEach((name, list) -> services.add(new JsonObject()
        .put("name", name)
        .put("breaker", breakers.state(name).name())
        .put("instances", list)
        .put("down", down.getOrDefault(name, new JsonArray()))));
    return new JsonObject()
        .put("at", System.currentTimeMillis())
        .put("cluster", new JsonObject()
            .put("joined", Cluster.joined(vertx))
            .put("node", Cluster.nodeId(vertx))
            .put("members", Cluster.members(vertx).size()))
        .put("services", services)
        .put("gateways", gateways);
  }
}
