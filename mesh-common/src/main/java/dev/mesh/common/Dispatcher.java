package dev.mesh.common;

import dev.mesh.common.identity.Identities;
import dev.mesh.common.observe.ActionMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way in to a service: every message to its addresses passes here. It picks the action by the
 * {@code action} header, verifies the message's signed identity (a message without a valid one is a
 * 401: nothing is trusted for being inside the mesh), checks the action's own policy (the same the
 * gateway enforces on its route: a 401 or 403 whoever sent it), hands the verified caller to the handler
 * as {@link Caller#FIELD}, and answers in the error model. It counts what it holds, so a stopping
 * service can let those requests finish.
 */
final class Dispatcher {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final long DRAIN_BOUND_MS = 10_000;

  private record Action(Endpoint endpoint, RoutePolicy policy) {
  }

  private final Vertx vertx;
  private final String service;
  private final Identities identities;
  private final ActionMetrics metrics;
  private final UnaryOperator<Throwable> explain;
  private final Map<String, Action> actions = new LinkedHashMap<>();
  private int inFlight;
  private Promise<Void> drained;

  /** {@code explain} reads a handler's failure as the error model should (a lost database as a 503). */
  Dispatcher(Vertx vertx, String service, List<Endpoint> endpoints, Identities identities, ActionMetrics metrics,
      UnaryOperator<Throwable> explain) {
    this.vertx = vertx;
    this.service = service;
    this.identities = identities;
    this.metrics = metrics;
    this.explain = explain;
    endpoints.forEach(e -> actions.put(e.action(), new Action(e, RoutePolicy.of(e.routeExtras()))));
  }

  void dispatch(Message<Object> message) {
    long start = System.nanoTime();
    inFlight++;
    // who sends is settled first: a sender without a valid identity learns nothing, not even the actions
    identities.verify(message.headers().get(Identities.HEADER), service)
        .compose(caller -> decide(message, caller))
        .onComplete(result -> {
          finished();
          String name = known(message.headers().get(MeshService.ACTION_HEADER));
          if (result.succeeded()) {
            Reply reply = result.result();
            metrics.record(name, reply.status(), start);
            message.reply(reply.body(),
                new DeliveryOptions().addHeader(Reply.STATUS_HEADER, String.valueOf(reply.status())));
          } else {
            MeshError error = asMeshError(name, result.cause());
            metrics.record(name, error.status(), start);
            message.fail(error.status(), error.toJson().encode());
          }
        });
  }

  private Future<Reply> decide(Message<Object> message, Caller caller) {
    String name = message.headers().get(MeshService.ACTION_HEADER);
    Action action = name == null ? null : actions.get(name);
    if (action == null) {
      return Future.failedFuture(MeshError.badRequest("unknown action '" + name + "' on " + service
          + "; known: " + actions.keySet()));
    }
    Object body = message.body();
    if (body != null && !(body instanceof JsonObject)) {
      return Future.failedFuture(MeshError.badRequest("the message body must be a JSON object"));
    }
    MeshError refused = action.policy().check(caller);
    return refused == null ? run(action.endpoint(), body, caller) : Future.failedFuture(refused);
  }

  // never the sender's word as a metrics label: it is unbounded
  private String known(String name) {
    return name != null && actions.containsKey(name) ? name : "unknown";
  }

  // the caller comes from the verified identity, never from what a body says
  private static Future<Reply> run(Endpoint endpoint, Object body, Caller caller) {
    JsonObject request = body == null ? new JsonObject() : (JsonObject) body;
    request.put(Caller.FIELD, caller.toJson());
    try {
      return endpoint.handler().apply(request);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private MeshError asMeshError(String action, Throwable failure) {
    Throwable cause = explain.apply(failure); // e.g. a database that is down is a 503, not a defect
    if (cause instanceof MeshError error) {
      return error;
    }
    if (cause instanceof ReplyException) {
      return MeshError.from(cause); // a downstream call failed: keep its meaning
    }
    log.error("{} {} failed", service, action, cause);
    return MeshError.internal(service + " could not complete '" + action + "'");
  }

  /** Waits (bounded) for the requests taken before the service stopped consuming. */
  Future<Void> drain() {
    if (inFlight == 0) {
      return Future.succeededFuture();
    }
    drained = Promise.promise();
    long timer = vertx.setTimer(DRAIN_BOUND_MS, id -> drained.tryComplete());
    return drained.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private void finished() {
    if (--inFlight == 0 && drained != null) {
      drained.tryComplete();
    }
  }
}
