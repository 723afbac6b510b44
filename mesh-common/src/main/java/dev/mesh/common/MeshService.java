package dev.mesh.common;

import dev.mesh.common.contract.EventContract;
import dev.mesh.common.contract.ServiceAddress;
import dev.mesh.common.identity.Identities;
import dev.mesh.common.observe.ActionMetrics;
import dev.mesh.common.observe.MeshMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service of the mesh: one event-bus address {@code mesh.<name>}, actions picked by the {@code action}
 * header, and a registry record naming the routes the gateway should expose and the events it publishes.
 * Subclasses list their {@link #endpoints()}; every message reaches them through one {@link Dispatcher},
 * which verifies the sender's signed identity and the action's policy. This class answers {@code info}
 * and unpublishes on stop.
 *
 * <p>An instance serves only while it can: every {@code MESH_HEALTH_CHECK_MS} it runs {@link #checkHealth()}
 * (its database, for a service that has one). When that fails it stops consuming its shared address (the
 * event bus round-robins over every consumer, whatever the registry says) and marks its record DOWN; when the
 * check passes again it consumes and is marked UP, without a restart. On stop it unpublishes, goes on
 * serving {@code MESH_LEAVE_GRACE_MS}, stops consuming, then lets the requests it holds finish before
 * {@link #cleanup()}.
 *
 * <p>Besides the shared address each instance consumes an address of its own, named in its record
 * ({@link Registry#INSTANCE_ADDRESS}), and the gateways send there. That is what lets an instance leave
 * without losing a request: a clustered event bus silently drops a message that reaches a node after its
 * consumer left (no "no handler" answer: the sender waits for its timeout), and a sender learns that a
 * consumer left only some time later. Routed by record instead, a gateway stops choosing the instance
 * once it sees the record go, while the instance still consumes.
 */
public abstract class MeshService extends VerticleBase {

  public static final String ACTION_HEADER = "action";
  public static final String HEALTH_CHECK_MS = "MESH_HEALTH_CHECK_MS";
  /** Local shared map: service name to "UP" or the reason it cannot serve; read by the node's /health. */
  public static final String HEALTH_MAP = "mesh.health";
  /** How long a stopping instance goes on serving after unpublishing its record (routers learn late). */
  public static final String LEAVE_GRACE_MS = "MESH_LEAVE_GRACE_MS";

  private static final Logger log = LoggerFactory.getLogger(MeshService.class);

  protected MeshConfig settings;
  protected Registry registry;
  protected final String instanceId = UUID.randomUUID().toString();
  private MessageConsumer<Object> consumer;
  private MessageConsumer<Object> instanceConsumer;
  /** The registration of our record, as {@link Registry#publish} answered it: the handle to mark it by. */
  private String registration;
  private boolean serving;
  private boolean checking;
  private boolean stopping;
  private long healthTimer = -1;
  private Dispatcher dispatcher;
  /** What this instance serves: its endpoints and {@code info}. */
  private List<Endpoint> served = List.of();

  /** The service name: {@code users}, {@code inventory}, {@code orders}. */
  protected abstract String name();

  /** Every action and route of this service. */
  protected abstract List<Endpoint> endpoints();

  /** The events this service publishes, listed in its record so the bridges and the dashboard learn them live. */
  protected List<? extends EventContract> events() {
    return List.of();
  }

  /** Work before the service answers, such as opening its database. */
  protected Future<?> prepare() {
    return Future.succeededFuture();
  }

  /** Work after the service stopped answering, such as closing its database. */
  protected Future<?> cleanup() {
    return Future.succeededFuture();
  }

  /** Whether this instance can serve now; a failure withdraws it until a later check passes. */
  protected Future<?> checkHealth() {
    return Future.succeededFuture();
  }

  /** A failure of a handler as the error model sees it, e.g. a lost database connection as a 503. */
  protected Throwable explain(Throwable failure) {
    return failure;
  }

  public String address() {
    return ServiceAddress.of(name());
  }

  /** The address only this instance consumes: where the gateways send. */
  public String instanceAddress() {
    return Registry.instanceAddress(address(), instanceId);
  }

  public static String version() {
    String version = MeshService.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  @Override
  public Future<?> start() {
    settings = MeshConfig.of(config());
    registry = Registry.create(vertx, settings);
    return prepare().compose(v -> {
      List<Endpoint> all = new ArrayList<>(endpoints());
      all.add(Endpoint.get("/api/" + name() + "/info", "info", this::info)
          .summary("Which instance answered: service, instance id, node id and version")
          .responds(200, "the answering instance"));
      served = all;
      dispatcher = new Dispatcher(vertx, name(), all, Identities.of(vertx, settings),
          new ActionMetrics(MeshMetrics.registry(vertx), name()), this::explain);
      instanceConsumer = vertx.eventBus().consumer(instanceAddress(), dispatcher::dispatch);
      return Future.all(consume(), instanceConsumer.completion());
    }).compose(v -> registry.publish(newRecord()))
        .onSuccess(published -> {
          registration = published.getRegistration();
          serving = true;
          health("UP");
          healthTimer = vertx.setPeriodic(settings.getInt(HEALTH_CHECK_MS, 1000), id -> checkOnce());
          log.info("{} instance {} serving {} on node {}", name(), instanceId, address(), Cluster.nodeId(vertx));
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true; // a check under way must not consume again
    vertx.cancelTimer(healthTimer);
    // a gateway that has not yet seen the record go still sends to this instance's address: serve it
    // until every gateway has caught up, and only then leave the addresses (a message that arrives after
    // that is dropped by the event bus without an answer, a timeout for its sender)
    return registry.unpublishAll()
        .eventually(() -> vertx.timer(settings.getInt(LEAVE_GRACE_MS, 1500)).mapEmpty())
        .eventually(() -> unregister(consumer))
        .eventually(() -> unregister(instanceConsumer))
        .eventually(() -> dispatcher == null ? Future.succeededFuture() : dispatcher.drain())
        .eventually(this::cleanup)
        .eventually(() -> {
          registry.close();
          return Future.succeededFuture();
        });
  }

  private static Future<Void> unregister(MessageConsumer<Object> consumer) {
    return consumer == null || !consumer.isRegistered() ? Future.succeededFuture() : consumer.unregister();
  }

  // in a cluster the subscription is only visible to others once its completion is done
  private Future<Void> consume() {
    consumer = vertx.eventBus().consumer(address(), dispatcher::dispatch);
    return consumer.completion();
  }

  private Record newRecord() {
    JsonArray routes = new JsonArray();
    served.stream().filter(Endpoint::routed).map(Endpoint::routeJson).forEach(routes::add);
    Record fresh = registry.newRecord(name(), address(), instanceId, version());
    fresh.getLocation().put(Registry.INSTANCE_ADDRESS, instanceAddress());
    fresh.getMetadata().put(Registry.ROUTES, routes);
    JsonArray published = new JsonArray();
    events().forEach(e -> published.add(new JsonObject().put("address", e.address()).put("browserSafe", e.browserSafe())));
    fresh.getMetadata().put(Registry.EVENTS, published);
    return fresh;
  }

  private void checkOnce() {
    if (checking || registration == null) {
      return;
    }
    checking = true;
    Future<?> check;
    try {
      check = checkHealth();
    } catch (RuntimeException e) {
      check = Future.failedFuture(e);
    }
    check.compose(ok -> serving || stopping ? Future.succeededFuture() : resume(),
            failure -> serving && !stopping ? withdraw(failure) : Future.succeededFuture())
        .onComplete(done -> checking = false);
  }

  // the record goes DOWN first, so routers stop counting this instance before its consumer leaves; the
  // instance's own address stays, so a router that has not seen the change yet gets an answer (a 503)
  private Future<Void> withdraw(Throwable failure) {
    String reason = explain(failure).getMessage();
    log.warn("{} instance {} cannot serve ({}): withdrawn from {} until it can", name(), instanceId, reason,
        address());
    serving = false;
    health(reason == null ? "DOWN" : reason);
    return registry.mark(registration, Status.DOWN, reason == null ? "DOWN" : reason)
        .eventually(() -> consumer.unregister())
        .mapEmpty();
  }

  // a resume whose mark failed is tried again by the next check: the consumer is registered only once
  private Future<Void> resume() {
    Future<Void> consuming = consumer.isRegistered() ? Future.succeededFuture() : consume();
    return consuming.compose(v -> registry.mark(registration, Status.UP, null)).onSuccess(r -> {
      serving = true;
      health("UP");
      log.info("{} instance {} serves {} again", name(), instanceId, address());
    }).mapEmpty();
  }

  private void health(String state) {
    vertx.sharedData().<String, String>getLocalMap(HEALTH_MAP).put(name(), state);
  }

  private Future<Reply> info(JsonObject request) {
    return Future.succeededFuture(Reply.ok(new JsonObject()
        .put("service", name())
        .put("instance", instanceId)
        .put("node", Cluster.nodeId(vertx))
        .put("version", version())));
  }
}
