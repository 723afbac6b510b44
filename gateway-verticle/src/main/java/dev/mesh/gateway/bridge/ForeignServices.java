package dev.mesh.gateway.bridge;

import dev.mesh.common.observe.MeshMetrics;
import io.micrometer.core.instrument.Gauge;
import dev.mesh.common.MeshError;
import dev.mesh.common.Registry;
import dev.mesh.common.contract.ServiceAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foreign services registered at this gateway, and their life: a registered service gets a
 * registry record (so it is routed and counted in /ready like a Java service), a consumer per address
 * it serves, and its event subscriptions. It stays UP while it heartbeats or its health URL answers 2xx.
 * After {@code BRIDGE_HEARTBEAT_TIMEOUT_MS} without either it is DOWN: record unpublished (routes 503,
 * gone from /ready), consumers stopped (senders get 503). A heartbeat brings it back; after
 * {@code BRIDGE_FORGET_AFTER_MS} it is forgotten and its heartbeat answers 404 (register again).
 */
final class ForeignServices {

  private static final Logger log = LoggerFactory.getLogger(ForeignServices.class);

  /** The location key that marks a record as a foreign service reached over HTTP. */
  static final String ENDPOINT = "endpoint";
  /** What every instance's own address holds: {@code mesh.<service>.instance.<id>}. */
  private static final String INSTANCE_PART = Registry.instanceAddress("", "");

  private final class Live {
    final String id;
    final Registration registration;
    /** Its own bridge credential, returned once at registration; gone when it is removed. */
    final String credential = newCredential();
    volatile long lastSeenNanos = System.nanoTime();
    volatile boolean up;
    volatile boolean changing;
    String recordRegistration;
    List<MessageConsumer<Object>> consumers = List.of();

    Live(String id, Registration registration) {
      this.id = id;
      this.registration = registration;
    }

    long silentMs() {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastSeenNanos);
    }

    JsonObject toJson() {
      return registration.toJson().put("id", id).put("state", up ? "UP" : "DOWN").put("silentMs", silentMs());
    }
  }

  private final Vertx vertx;
  private final Registry registry;
  private final BridgeSettings settings;
  private final BridgeHttp http;
  private final MessageForwarder forwarder;
  private final Subscriptions subscriptions;
  private final Map<String, Live> services = new ConcurrentHashMap<>();
  private final Map<String, Live> byCredential = new ConcurrentHashMap<>();
  private static final SecureRandom random = new SecureRandom();
  private final long sweeper;
  private final long healthChecker;

  ForeignServices(Vertx vertx, Registry registry, BridgeSettings settings, BridgeHttp http,
      Subscriptions subscriptions) {
    this.vertx = vertx;
    this.registry = registry;
    this.settings = settings;
    this.http = http;
    this.subscriptions = subscriptions;
    this.forwarder = new MessageForwarder(vertx, http, settings.forwardTimeoutMs());
    long sweepEvery = Math.max(50, Math.min(500, settings.heartbeatTimeoutMs() / 4));
    this.sweeper = vertx.setPeriodic(sweepEvery, t -> sweep());
    this.healthChecker = vertx.setPeriodic(Math.max(100, settings.heartbeatIntervalMs()), t -> checkHealth());
    for (boolean up : new boolean[] {true, false}) {
      Gauge.builder("mesh.bridge.foreign.services", services, all -> all.values().stream().filter(l -> l.up == up).count())
          .description("Foreign services registered through the bridge, by state")
          .tag("state", up ? "up" : "down")
          .register(MeshMetrics.registry(vertx));
    }
  }

  /**
   * Registers a service: refused with 409 when a Java service already has its name or one of its
   * addresses. A service registering again from the same base URL (say, after a restart) replaces its
   * old registration.
   */
  Future<JsonObject> register(Registration registration) {
    // every record, a DOWN one too: a Java service's name and addresses stay its own while it heals
    return registry.allRecords()
        .compose(records -> {
          checkNoJavaConflict(registration, records);
          checkNoForeignConflict(registration);
          if (!registration.subscriptions().isEmpty()) {
            subscriptions.resolve(registration.subscriptions()); // a refused address fails the whole registration
          }
          List<Live> previous = services.values().stream()
              .filter(l -> l.registration.name().equals(registration.name())
                  && l.registration.baseUrl().equals(registration.baseUrl()))
              .toList();
          return Future.join(previous.stream().map(l -> remove(l, "registered again")).toList());
        })
        .compose(v -> {
          Live live = new Live(UUID.randomUUID().toString(), registration);
          services.put(live.id, live);
          byCredential.put(live.credential, live);
          Future<?> subscribed = registration.subscriptions().isEmpty() ? Future.succeededFuture()
              : subscriptions.addWebhook(registration.subscriptions(), registration.eventsUrl(), live.id);
          return subscribed.compose(s -> bringUp(live))
              .recover(e -> remove(live, "registration failed").transform(x -> Future.failedFuture(e)))
              .map(x -> {
                log.info("foreign service {} registered as {} at {} (routes {}, addresses {})", registration.name(),
                    live.id, registration.baseUrl(), registration.routes().size(), registration.addresses());
                return new JsonObject()
                    .put("id", live.id)
                    .put("name", registration.name())
                    .put("heartbeatIntervalMs", settings.heartbeatIntervalMs())
                    .put("heartbeatTimeoutMs", settings.heartbeatTimeoutMs())
                    .put("heartbeatUrl", "/bridge/services/" + live.id + "/heartbeat")
                    // from now on the service calls the bridge with this, not with the bootstrap secret
                    .put("credential", live.credential);
              });
        });
  }

  /** The caller a service credential belongs to, or null (unknown, or revoked by deregistration). */
  BridgeCaller callerOf(String credential, BridgeSettings settings) {
    Live live = byCredential.get(credential);
    return live == null ? null
        : new BridgeCaller(live.id, live.registration.name(), settings.grants().getOrDefault(live.registration.name(), List.of()),
            settings.grantedRoles().getOrDefault(live.registration.name(), Set.of()));
  }

  /** The name of the foreign service registered here that serves {@code address}, or null. */
  String ownerOf(String address) {
    for (Live live : services.values()) {
      if (live.registration.addresses().contains(address)) {
        return live.registration.name();
      }
    }
    return null;
  }

  /** An address is served by one foreign service: another name may not take it over. */
  private void checkNoForeignConflict(Registration registration) {
    for (String address : registration.addresses()) {
      String owner = ownerOf(address);
      if (owner != null && !owner.equals(registration.name())) {
        throw MeshError.conflict("'" + address + "' is served by the foreign service '" + owner + "'");
      }
    }
  }

  private static String newCredential() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return "svc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A sign of life: 404 when the id is unknown (the gateway restarted or forgot it: register again). */
  Future<JsonObject> heartbeat(String id) {
    Live live = services.get(id);
    if (live == null) {
      return Future.failedFuture(MeshError.notFound("no foreign service '" + id + "' is registered here;"
          + " register again"));
    }
    live.lastSeenNanos = System.nanoTime();
    Future<Void> revived = live.up || live.changing ? Future.succeededFuture() : bringUp(live);
    return revived.map(v -> new JsonObject().put("id", id).put("state", "UP"));
  }

  Future<Void> deregister(String id) {
    Live live = services.get(id);
    if (live == null) {
      return Future.failedFuture(MeshError.notFound("no foreign service '" + id + "' is registered here"));
    }
    return remove(live, "deregistered");
  }

  JsonArray toJson() {
    JsonArray array = new JsonArray();
    services.values().forEach(l -> array.add(l.toJson()));
    return array;
  }

  Future<Void> close() {
    vertx.cancelTimer(sweeper);
    vertx.cancelTimer(healthChecker);
    return Future.join(List.copyOf(services.values()).stream().map(l -> remove(l, "gateway stopping")).toList())
        .mapEmpty();
  }

  /**
   * A foreign service may not take a Java service's name, nor any address of its: its shared address, an
   * instance's own ({@code mesh.users.instance.<id>}, which the gateways route to) or any other below its
   * name. Per-instance addresses are the mesh's own, whoever's they would be.
   */
  private void checkNoJavaConflict(Registration registration, List<Record> records) {
    for (String address : registration.addresses()) {
      if (address.contains(INSTANCE_PART)) {
        throw MeshError.forbidden("'" + address + "' is an instance's own address: the mesh makes those");
      }
    }
    for (Record record : records) {
      if (!Registry.TYPE.equals(record.getType()) || isForeign(record)) {
        continue;
      }
      if (record.getName().equals(registration.name())) {
        throw MeshError.conflict("the name '" + registration.name() + "' belongs to a Java service of the mesh");
      }
      for (String address : registration.addresses()) {
        if (ServiceAddress.serviceOf(address).equals(record.getName())) {
          throw MeshError.conflict("the address '" + address + "' belongs to the Java service '"
              + record.getName() + "'");
        }
      }
    }
  }

  static boolean isForeign(Record record) {
    return record.getLocation() != null && record.getLocation().getString(ENDPOINT) != null;
  }

  /** Serves its addresses, then publishes its record: routed only once messages can reach it. */
  private Future<Void> bringUp(Live live) {
    live.changing = true;
    List<Future<MessageConsumer<Object>>> serving = live.registration.addresses().stream()
        .map(a -> forwarder.serve(a, live.registration.messagesUrl())).toList();
    return Future.all(serving)
        .compose(all -> {
          live.consumers = serving.stream().map(Future::result).toList();
          return registry.publish(record(live));
        })
        .onComplete(done -> live.changing = false)
        .onSuccess(published -> {
          live.recordRegistration = published.getRegistration();
          live.up = true;
        })
        .onFailure(e -> serving.stream().filter(Future::succeeded).forEach(f -> f.result().unregister()))
        .mapEmpty();
  }

  private Future<Void> markDown(Live live) {
    live.up = false;
    live.changing = true;
    log.warn("foreign service {} ({}) gave no sign of life for {} ms: marked down, its record unpublished",
        live.registration.name(), live.id, live.silentMs());
    return stopServing(live).onComplete(done -> live.changing = false);
  }

  private Future<Void> remove(Live live, String why) {
    services.remove(live.id);
    byCredential.remove(live.credential); // revoked
    subscriptions.removeOwnedBy(live.id);
    live.up = false;
    log.info("foreign service {} ({}) removed: {}", live.registration.name(), live.id, why);
    return stopServing(live);
  }

  private Future<Void> stopServing(Live live) {
    List<Future<Void>> steps = new ArrayList<>();
    if (live.recordRegistration != null) {
      steps.add(registry.unpublish(live.recordRegistration));
      live.recordRegistration = null;
    }
    live.consumers.forEach(c -> steps.add(c.unregister()));
    live.consumers = List.of();
    return Future.join(steps).mapEmpty();
  }

  private Record record(Live live) {
    Registration r = live.registration;
    Record record = registry.newRecord(r.name(), null, live.id, r.version());
    record.setLocation(new JsonObject().put(ENDPOINT, r.baseUrl()));
    record.getMetadata()
        .put(Registry.ROUTES, r.routesJson())
        .put("foreign", true)
        .put("addresses", new JsonArray(r.addresses()));
    return record;
  }

  private void sweep() {
    for (Live live : List.copyOf(services.values())) {
      long silent = live.silentMs();
      if (silent > settings.forgetAfterMs()) {
        remove(live, "silent for " + silent + " ms");
      } else if (live.up && !live.changing && silent > settings.heartbeatTimeoutMs()) {
        markDown(live);
      }
    }
  }

  /** A service that gave a health URL is alive while that URL answers 2xx, heartbeat or not. */
  private void checkHealth() {
    for (Live live : List.copyOf(services.values())) {
      String url = live.registration.healthUrl();
      if (url == null) {
        continue;
      }
      http.get(url, Math.max(100, settings.heartbeatIntervalMs())).onSuccess(answer -> {
        if (answer.ok() && services.containsKey(live.id)) {
          heartbeat(live.id);
        }
      });
    }
  }
}
