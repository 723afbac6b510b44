package dev.mesh.common;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.servicediscovery.ServiceDiscoveryOptions;
import io.vertx.servicediscovery.Status;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh's service registry: vertx-service-discovery over the cluster, behind this one class
 * (upstream is deprecated in favour of Service Resolver). It adds what upstream lacks: records of a
 * node that left the cluster without unpublishing are reaped by every surviving node.
 */
public final class Registry {

  public static final String NODE = "node";
  public static final String INSTANCE = "instance";
  public static final String VERSION = "version";
  public static final String ROUTES = "routes";
  /** Why an instance marked its record DOWN. */
  public static final String REASON = "reason";
  public static final String TYPE = "mesh-service";
  /** A gateway instance: location {@code {"url": "http://host:port"}}; never routed to. */
  public static final String GATEWAY_TYPE = "mesh-gateway";
  public static final String REAP_INTERVAL = "MESH_REAP_INTERVAL_MS";

  private static final Logger log = LoggerFactory.getLogger(Registry.class);

  private final Vertx vertx;
  private final ServiceDiscovery discovery;
  private final Set<String> published = ConcurrentHashMap.newKeySet();
  private final long reaper;
  private Set<String> lastMembers = Set.of();
  private int ticksSinceSweep;

  private Registry(Vertx vertx, MeshConfig settings) {
    this.vertx = vertx;
    this.discovery = ServiceDiscovery.create(vertx, new ServiceDiscoveryOptions());
    this.reaper = vertx.setPeriodic(settings.getInt(REAP_INTERVAL, 1000), id -> reapIfMembersChanged());
  }

  public static Registry create(Vertx vertx, MeshConfig settings) {
    return new Registry(vertx, settings);
  }

  /** A record for a service instance on this node; location is its event-bus address. */
  public Record newRecord(String name, String address, String instanceId, String version) {
    JsonObject metadata = new JsonObject()
        .put(NODE, Cluster.nodeId(vertx))
        .put(INSTANCE, instanceId)
        .put(VERSION, version);
    return new Record().setName(name).setType(TYPE)
        .setLocation(new JsonObject().put("address", address))
        .setMetadata(metadata);
  }

  public Future<Record> publish(Record record) {
    return discovery.publish(record).onSuccess(r -> published.add(r.getRegistration()));
  }

  public Future<Void> unpublish(String registration) {
    published.remove(registration);
    return discovery.unpublish(registration);
  }

  /** Removes every record this registry published: the clean goodbye of a stopping service. */
  public Future<Void> unpublishAll() {
    List<Future<Void>> all = Set.copyOf(published).stream().map(this::unpublish).toList();
    return Future.join(all).mapEmpty();
  }

  /** Records a router may send to: those of instances that say they can serve. */
  public Future<List<Record>> records() {
    return discovery.getRecords(r -> r.getStatus() == Status.UP);
  }

  /** Every record, also those of instances that marked themselves DOWN. */
  public Future<List<Record>> allRecords() {
    return discovery.getRecords(r -> true, true);
  }

  /** Publishes a changed record (same registration), e.g. its status. */
  public Future<Record> update(Record record) {
    return discovery.update(record);
  }

  /** Runs the handler whenever a record is published, updated or removed anywhere in the cluster. */
  public MessageConsumer<JsonObject> onChange(Handler<JsonObject> handler) {
    return vertx.eventBus().consumer(discovery.options().getAnnounceAddress(), msg -> handler.handle(msg.body()));
  }

  /**
   * Unpublishes the records whose node is no longer a cluster member. Every node may run this at once:
   * removing an already removed record just fails quietly.
   */
  public Future<Integer> reap() {
    Set<String> members = new HashSet<>(Cluster.members(vertx));
    return allRecords().compose(records -> {
      List<Record> orphans = records.stream()
          .filter(r -> r.getMetadata() != null && r.getMetadata().getString(NODE) != null)
          .filter(r -> !members.contains(r.getMetadata().getString(NODE)))
          .toList();
      List<Future<Void>> removals = orphans.stream().map(r -> {
        log.info("reaping {} instance {} of departed node {}", r.getName(),
            r.getMetadata().getString(INSTANCE), r.getMetadata().getString(NODE));
        return discovery.unpublish(r.getRegistration()).recover(e -> Future.succeededFuture());
      }).toList();
      return Future.join(removals).map(orphans.size());
    });
  }

  // Membership is a local read; the registry scan only runs when it changed, and every 10th tick as a
  // safety net for records published by a node in the instant it left.
  private void reapIfMembersChanged() {
    if (!Cluster.joined(vertx) && vertx.isClustered()) {
      return;
    }
    Set<String> members = Set.copyOf(Cluster.members(vertx));
    if (members.equals(lastMembers) && ++ticksSinceSweep < 10) {
      return;
    }
    lastMembers = members;
    ticksSinceSweep = 0;
    reap().onFailure(e -> log.debug("reaping failed, will retry", e));
  }

  public void close() {
    vertx.cancelTimer(reaper);
    discovery.close();
  }
}
