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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh's service registry: vertx-service-discovery over the cluster, behind this one class
 * (upstream is deprecated in favour of Service Resolver). It adds what upstream lacks:
 * <ul>
 *   <li>records of a node that left the cluster without unpublishing are reaped by every surviving node;</li>
 *   <li>each node keeps its own records present: one removed behind its back (by a node that saw it
 *   depart during a network split, or lost in the split-brain merge) is published again, and copies of
 *   one of its records that a merge brought back are removed, so the registry holds each live instance
 *   exactly once.</li>
 * </ul>
 */
public final class Registry {

  public static final String NODE = "node";
  public static final String INSTANCE = "instance";
  public static final String VERSION = "version";
  public static final String ROUTES = "routes";
  /** Record metadata: {@code [{"address", "browserSafe"}]}, the events a service publishes. */
  public static final String EVENTS = "events";
  /** Why an instance marked its record DOWN. */
  public static final String REASON = "reason";
  /**
   * In a service record's location: the event-bus address only that instance consumes. Routers send
   * there, so an instance that unpublishes stops being chosen while it still serves (see MeshService#stop).
   */
  public static final String INSTANCE_ADDRESS = "instanceAddress";
  public static final String TYPE = "mesh-service";
  /** A gateway instance: location {@code {"url": "http://host:port"}}; never routed to. */
  public static final String GATEWAY_TYPE = "mesh-gateway";
  public static final String REAP_INTERVAL = "MESH_REAP_INTERVAL_MS";

  private static final Logger log = LoggerFactory.getLogger(Registry.class);
  /** Sweeps on the ticks after the membership settled: late reaps of other nodes are repaired at once. */
  private static final int SWEEPS_AFTER_CHANGE = 3;
  /** Otherwise a sweep every this many ticks, the safety net. */
  private static final int TICKS_BETWEEN_SWEEPS = 10;

  private final Vertx vertx;
  private final ServiceDiscovery discovery;
  /** What this registry published: the registration given to the publisher -> the record as it stands now. */
  private final Map<String, Record> published = new ConcurrentHashMap<>();
  /** Copies of our records on their way back (see restoreOwn), by the registration given to the publisher. */
  private final Map<String, Future<Void>> republishing = new ConcurrentHashMap<>();
  private final long reaper;
  private Set<String> lastMembers = Set.of();
  private int sweepsDue;
  private int ticksSinceSweep;
  private boolean sweeping;

  private Registry(Vertx vertx, MeshConfig settings) {
    this.vertx = vertx;
    this.discovery = ServiceDiscovery.create(vertx, new ServiceDiscoveryOptions());
    this.reaper = vertx.setPeriodic(settings.getInt(REAP_INTERVAL, 1000), id -> tick());
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

  /** The address only one instance of a service consumes, beside the service's shared address. */
  public static String instanceAddress(String address, String instanceId) {
    return address + ".instance." + instanceId;
  }

  public Future<Record> publish(Record record) {
    return discovery.publish(record).onSuccess(r -> published.put(r.getRegistration(), r));
  }

  /** Removes a record this registry published, by the registration {@link #publish} answered. */
  public Future<Void> unpublish(String registration) {
    // a copy on its way would otherwise be removed only after this answered, and this would find no record
    Future<Void> copying = republishing.get(registration);
    if (copying != null) {
      return copying.transform(done -> unpublish(registration));
    }
    Record current = published.remove(registration);
    return discovery.unpublish(current == null ? registration : current.getRegistration());
  }

  /** Removes every record this registry published: the clean goodbye of a stopping service. */
  public Future<Void> unpublishAll() {
    List<Future<Void>> all = Set.copyOf(published.keySet()).stream().map(this::unpublish).toList();
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

  /**
   * Marks a record this registry published UP, or DOWN with the reason, by the registration
   * {@link #publish} answered. The change reaches the record wherever {@link #restoreOwn} has moved it
   * since (a merge may have made it publish the record again under a new registration).
   */
  public Future<Record> mark(String registration, Status status, String reason) {
    Record current = published.get(registration);
    if (current == null) {
      return Future.failedFuture(new IllegalStateException("no record of ours under " + registration));
    }
    setState(current, status, reason);
    return discovery.update(current);
  }

  private static void setState(Record record, Status status, String reason) {
    record.setStatus(status);
    if (reason == null) {
      record.getMetadata().remove(REASON);
    } else {
      record.getMetadata().put(REASON, reason);
    }
  }

  /** Gives {@code found}, our record as the registry holds it, the state we last marked, if it differs. */
  private Future<?> carryState(Record mine, Record found) {
    String reason = mine.getMetadata().getString(REASON);
    if (found.getStatus() == mine.getStatus() && Objects.equals(found.getMetadata().getString(REASON), reason)) {
      return Future.succeededFuture();
    }
    setState(found, mine.getStatus(), reason);
    return discovery.update(found);
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
    return allRecords().compose(records -> reap(records, members));
  }

  private Future<Integer> reap(List<Record> records, Set<String> members) {
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
  }

  /**
   * Makes the registry hold each of this node's records exactly once: one missing is published again
   * (or found again under the registration a merge gave back), extra copies are removed.
   */
  public Future<Void> restoreOwn() {
    Map<String, Record> ours = Map.copyOf(published);
    return allRecords().compose(records -> restoreOwn(ours, records));
  }

  /**
   * {@code ours}: what this registry had published before {@code records} were read. A record published
   * while they were read is not missing from them; publishing it again would make a second copy, which
   * routers would count as one more instance until the next sweep (seen: 4 users instances of 3).
   */
  private Future<Void> restoreOwn(Map<String, Record> ours, List<Record> records) {
    List<Future<?>> steps = new ArrayList<>();
    Map<String, Record> byRegistration = new HashMap<>();
    records.forEach(r -> byRegistration.put(r.getRegistration(), r));
    Set<String> kept = new HashSet<>();
    ours.forEach((key, mine) -> {
      if (byRegistration.containsKey(mine.getRegistration())) {
        kept.add(mine.getRegistration());
        return;
      }
      Record again = records.stream().filter(r -> sameInstance(r, mine) && !kept.contains(r.getRegistration()))
          .findFirst().orElse(null);
      if (again != null) {
        kept.add(again.getRegistration());
        if (published.replace(key, mine, again)) {
          steps.add(carryState(mine, again));
        }
        return;
      }
      log.info("publishing {} instance {} again: its record was removed while this node was cut off",
          mine.getName(), instanceOf(mine));
      Record copy = new Record(mine.toJson()).setRegistration(null);
      Future<Void> copied = discovery.publish(copy).compose(r -> {
        if (!published.replace(key, mine, r)) {
          return discovery.unpublish(r.getRegistration()).mapEmpty(); // unpublished meanwhile: not left behind
        }
        return carryState(mine, r).mapEmpty(); // marked UP or DOWN while the copy was on its way
      });
      republishing.put(key, copied);
      copied.onComplete(done -> republishing.remove(key, copied));
      steps.add(copied);
    });
    records.stream()
        .filter(r -> !kept.contains(r.getRegistration()))
        .filter(r -> ours.values().stream().anyMatch(mine -> sameInstance(r, mine)))
        .forEach(copy -> {
          log.info("removing a second record of {} instance {}", copy.getName(), instanceOf(copy));
          steps.add(discovery.unpublish(copy.getRegistration()));
        });
    return Future.join(steps).mapEmpty();
  }

  private static boolean sameInstance(Record a, Record b) {
    return a.getName().equals(b.getName()) && a.getMetadata() != null && b.getMetadata() != null
        && Objects.equals(a.getMetadata().getString(NODE), b.getMetadata().getString(NODE))
        && a.getMetadata().getString(INSTANCE) != null
        && a.getMetadata().getString(INSTANCE).equals(b.getMetadata().getString(INSTANCE));
  }

  private static String instanceOf(Record record) {
    return record.getMetadata() == null ? null : record.getMetadata().getString(INSTANCE);
  }

  // Membership is a local read; the registry is scanned only when it changed (once the new view held
  // for a tick: a node in the middle of a merge sees a partial cluster for a moment and must not reap
  // by it), on the few ticks after, and every 10th tick as a safety net.
  private void tick() {
    if (!Cluster.joined(vertx) && vertx.isClustered()) {
      return;
    }
    Set<String> members = Set.copyOf(Cluster.members(vertx));
    if (!members.equals(lastMembers)) {
      lastMembers = members;
      sweepsDue = SWEEPS_AFTER_CHANGE;
      return;
    }
    if (sweepsDue > 0 || ++ticksSinceSweep >= TICKS_BETWEEN_SWEEPS) {
      sweepsDue = Math.max(0, sweepsDue - 1);
      ticksSinceSweep = 0;
      sweep(members);
    }
  }

  private void sweep(Set<String> members) {
    if (sweeping) {
      return;
    }
    sweeping = true;
    Map<String, Record> ours = Map.copyOf(published);
    allRecords()
        .compose(records -> reap(records, members).map(records))
        .compose(records -> restoreOwn(ours, records.stream()
            .filter(r -> r.getMetadata() == null || members.contains(r.getMetadata().getString(NODE))).toList()))
        .onComplete(done -> sweeping = false)
        .onFailure(e -> log.debug("registry sweep failed, will retry", e));
  }

  public void close() {
    vertx.cancelTimer(reaper);
    discovery.close();
  }
}
