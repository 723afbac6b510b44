package dev.mesh.common;

import dev.mesh.common.observe.ActionMetrics;
import dev.mesh.common.observe.MeshMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service of the mesh: one event-bus address {@code mesh.<name>}, actions picked by the {@code action}
 * header, and a registry record naming the routes the gateway should expose. Subclasses list their
 * {@link #endpoints()}; this class answers {@code info}, maps failures to the error model and
 * unpublishes on stop.
 */
public abstract class MeshService extends VerticleBase {

  public static final String ACTION_HEADER = "action";

  private static final Logger log = LoggerFactory.getLogger(MeshService.class);

  protected MeshConfig settings;
  protected Registry registry;
  protected final String instanceId = UUID.randomUUID().toString();
  private final Map<String, Endpoint> actions = new LinkedHashMap<>();
  private MessageConsumer<Object> consumer;
  private ActionMetrics metrics;

  /** The service name: {@code users}, {@code inventory}, {@code orders}. */
  protected abstract String name();

  /** Every action and route of this service. */
  protected abstract List<Endpoint> endpoints();

  /** Work before the service answers, such as opening its database. */
  protected Future<?> prepare() {
    return Future.succeededFuture();
  }

  /** Work after the service stopped answering, such as closing its database. */
  protected Future<?> cleanup() {
    return Future.succeededFuture();
  }

  public String address() {
    return "mesh." + name();
  }

  public static String version() {
    String version = MeshService.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  @Override
  public Future<?> start() {
    settings = MeshConfig.of(config());
    registry = Registry.create(vertx, settings);
    metrics = new ActionMetrics(MeshMetrics.registry(vertx), name());
    return prepare().compose(v -> {
      List<Endpoint> all = new ArrayList<>(endpoints());
      all.add(Endpoint.get("/api/" + name() + "/info", "info", this::info)
          .summary("Which instance answered: service, instance id, node id and version")
          .responds(200, "the answering instance"));
      all.forEach(e -> actions.put(e.action(), e));
      consumer = vertx.eventBus().consumer(address(), this::dispatch);
      // in a cluster the subscription is only visible to others once this completes
      return consumer.completion();
    }).compose(v -> registry.publish(record()))
        .onSuccess(r -> log.info("{} instance {} serving {} on node {}", name(), instanceId, address(),
            Cluster.nodeId(vertx)));
  }

  @Override
  public Future<?> stop() {
    return registry.unpublishAll()
        .eventually(() -> consumer == null ? Future.succeededFuture() : consumer.unregister())
        .eventually(this::cleanup)
        .eventually(() -> {
          registry.close();
          return Future.succeededFuture();
        });
  }

  private Record record() {
    JsonArray routes = new JsonArray();
    actions.values().stream().filter(Endpoint::routed).map(Endpoint::routeJson).forEach(routes::add);
    Record record = registry.newRecord(name(), address(), instanceId, version());
    record.getMetadata().put(Registry.ROUTES, routes);
    return record;
  }

  private Future<Reply> info(JsonObject request) {
    return Future.succeededFuture(Reply.ok(new JsonObject()
        .put("service", name())
        .put("instance", instanceId)
        .put("node", Cluster.nodeId(vertx))
        .put("version", version())));
  }

  private void dispatch(Message<Object> message) {
    long start = System.nanoTime();
    String action = message.headers().get(ACTION_HEADER);
    Endpoint endpoint = action == null ? null : actions.get(action);
    if (endpoint == null) {
      metrics.record("unknown", 400, start); // never the sender's word as a label: it is unbounded
      message.fail(400, MeshError.badRequest("unknown action '" + action + "' on " + address()
          + "; known: " + actions.keySet()).toJson().encode());
      return;
    }
    Object body = message.body();
    if (body != null && !(body instanceof JsonObject)) {
      metrics.record(action, 400, start);
      message.fail(400, MeshError.badRequest("the message body must be a JSON object").toJson().encode());
      return;
    }
    JsonObject request = body == null ? new JsonObject() : (JsonObject) body;
    // the caller comes from the headers the gateway set, never from what a body says
    Caller caller = Caller.fromHeaders(message.headers());
    request.remove(Caller.FIELD);
    if (!caller.internal()) {
      request.put(Caller.FIELD, caller.toJson());
    }
    Future<Reply> answer;
    try {
      answer = endpoint.handler().apply(request);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(result -> {
      if (result.succeeded()) {
        Reply reply = result.result();
        metrics.record(action, reply.status(), start);
        message.reply(reply.body(), new DeliveryOptions().addHeader(Reply.STATUS_HEADER, String.valueOf(reply.status())));
      } else {
        MeshError error = asMeshError(action, result.cause());
        metrics.record(action, error.status(), start);
        message.fail(error.status(), error.toJson().encode());
      }
    });
  }

  private MeshError asMeshError(String action, Throwable failure) {
    Throwable cause = PgErrors.translate(failure); // a database that is down is a 503, not a defect
    if (cause instanceof MeshError error) {
      return error;
    }
    if (cause instanceof io.vertx.core.eventbus.ReplyException) {
      return MeshError.from(cause); // a downstream call failed: keep its meaning
    }
    log.error("{} {} failed", name(), action, cause);
    return MeshError.internal(name() + " could not complete '" + action + "'");
  }
}
