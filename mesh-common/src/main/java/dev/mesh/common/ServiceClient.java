package dev.mesh.common;

import dev.mesh.common.contract.ActionContract;
import dev.mesh.common.contract.ServiceAddress;
import dev.mesh.common.identity.Identities;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * The one way out to a service of the mesh: the gateway's routes and expansions, the bridges and the
 * order saga all call through here. A call names the service and the action, carries the caller's
 * identity, signed for the service it goes to ({@link Identities}: the only place it is attached), has a
 * deadline, goes through the service's breaker when this
 * client has breakers, and fails with a {@link MeshError} (a service's answer keeps its status; no
 * handler is a 503, a timeout a 504), or with the breaker's {@link OpenCircuitException} when an open
 * breaker refused it without trying.
 *
 * <p>With {@link Instances} (the gateway's view of the registry) a call goes to one serving instance's own
 * address, and is sent again to the next one when it reached no handler while instances are listed: a new
 * instance's record can arrive before its subscription does, and an instance may leave before its record
 * is seen to go. No handler ran, so sending again is safe for any action.
 */
public final class ServiceClient {

  /** Where the requests of a service go: one serving instance's own address, or null for the shared one. */
  public interface Instances {
    /** The own address of the next serving instance of {@code service}, or null for the shared address. */
    String instanceAddress(String service);

    /** How many instances of {@code service} are serving. */
    int instances(String service);
  }

  private static final long NO_HANDLER_WINDOW_MS = 3_000;
  private static final long NO_HANDLER_BACKOFF_MS = 50;
  private static final long NO_HANDLER_MAX_BACKOFF_MS = 250;

  private final Vertx vertx;
  private final Identities identities;
  private final String self;
  private final Breakers breakers;
  private final long timeoutMs;
  private final Instances instances;

  /**
   * A client of the service {@code self} (the name its calls are signed as sending through), whose calls
   * go through {@code breakers} (null: none) with a deadline of {@code timeoutMs}.
   */
  public ServiceClient(Vertx vertx, Identities identities, String self, Breakers breakers, long timeoutMs) {
    this(vertx, identities, self, breakers, timeoutMs, null);
  }

  private ServiceClient(Vertx vertx, Identities identities, String self, Breakers breakers, long timeoutMs,
      Instances instances) {
    this.vertx = vertx;
    this.identities = identities;
    this.self = self;
    this.breakers = breakers;
    this.timeoutMs = timeoutMs;
    this.instances = instances;
  }

  /** The same client, sending to the instances {@code instances} picks. */
  public ServiceClient routedBy(Instances instances) {
    return new ServiceClient(vertx, identities, self, breakers, timeoutMs, instances);
  }

  /** The same client without breakers, for a caller that guards a larger step with its own. */
  public ServiceClient unguarded() {
    return new ServiceClient(vertx, identities, self, null, timeoutMs, instances);
  }

  /** The same client, signing its calls as sent by {@code name} (the bridge, for each foreign service). */
  public ServiceClient sentBy(String name) {
    return new ServiceClient(vertx, identities, name, breakers, timeoutMs, instances);
  }

  /** A call of {@code action}, as this JVM unless {@link Call#as} says for whom. */
  public Call call(ActionContract action) {
    return new Call(action.service(), action.action());
  }

  /** A call of the action named {@code action} of {@code service}, for callers that read both from data. */
  public Call call(String service, String action) {
    return new Call(service, action);
  }

  /** One call being made; each setter returns this call. */
  public final class Call {

    private final String service;
    private final String action;
    private String address;
    private Caller caller;
    private long deadlineMs = timeoutMs;
    private DeliveryOptions headers;

    private Call(String service, String action) {
      this.service = service;
      this.action = action;
    }

    /** The end user the call acts for; without one the sending service acts as itself. */
    public Call as(Caller caller) {
      this.caller = caller;
      return this;
    }

    /** A deadline other than the client's. */
    public Call timeout(long ms) {
      this.deadlineMs = ms;
      return this;
    }

    /** The shared address, where it is not {@code mesh.<service>}: the bridges name one, a record names its own. */
    public Call at(String address) {
      this.address = address;
      return this;
    }

    /** Extra headers the receiver reads; identity headers are never taken from here. */
    public Call headers(DeliveryOptions extra) {
      this.headers = extra;
      return this;
    }

    /** The reply's body as a JSON object (an empty one when the reply has none). */
    public Future<JsonObject> json(JsonObject body) {
      return request(body).map(reply -> reply.body() instanceof JsonObject json ? json : new JsonObject());
    }

    /** The whole reply, for callers that pass its status header on. */
    public Future<Message<Object>> request(Object body) {
      DeliveryOptions delivery = delivery().setSendTimeout(deadlineMs);
      Future<Message<Object>> reply = breakers == null || service == null
          ? send(body, delivery)
          : breakers.execute(service, () -> send(body, delivery));
      // an open breaker's refusal stays itself: callers wait for its reset rather than retry at once
      return reply.recover(failure -> Future.failedFuture(
          failure instanceof OpenCircuitException ? failure : MeshError.from(failure)));
    }

    /** Fire and forget, to one consumer. */
    public void send(Object body) {
      vertx.eventBus().send(target(), body, delivery());
    }

    private Future<Message<Object>> send(Object body, DeliveryOptions delivery) {
      if (instances == null) {
        return vertx.eventBus().request(target(), body, delivery);
      }
      long window = TimeUnit.MILLISECONDS.toNanos(Math.min(NO_HANDLER_WINDOW_MS, deadlineMs / 2));
      return toInstance(body, delivery, 1, System.nanoTime() + window);
    }

    private Future<Message<Object>> toInstance(Object body, DeliveryOptions delivery, int attempt, long deadline) {
      String instance = instances.instanceAddress(service);
      return vertx.eventBus().<Object>request(instance == null ? target() : instance, body, delivery).recover(failure -> {
        boolean noHandler = failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
        long backoff = Math.min(NO_HANDLER_BACKOFF_MS * attempt, NO_HANDLER_MAX_BACKOFF_MS);
        boolean inWindow = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) < deadline;
        if (!noHandler || !inWindow || instances.instances(service) == 0) {
          return Future.failedFuture(failure);
        }
        return vertx.timer(backoff).compose(t -> toInstance(body, delivery, attempt + 1, deadline));
      });
    }

    private String target() {
      return address != null ? address : ServiceAddress.of(service);
    }

    // the service the identity is for: the one named, or the one whose address was given
    private String audience() {
      return service != null ? service : ServiceAddress.serviceOf(address);
    }

    private DeliveryOptions delivery() {
      DeliveryOptions delivery = new DeliveryOptions();
      if (headers != null && headers.getHeaders() != null) {
        headers.getHeaders().forEach(h -> {
          if (!Caller.HEADERS.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
            delivery.addHeader(h.getKey(), h.getValue());
          }
        });
      }
      if (action != null) {
        delivery.addHeader(MeshService.ACTION_HEADER, action);
      }
      Caller sender = caller == null ? Caller.service(self) : caller.actingThrough(self);
      return delivery.addHeader(Identities.HEADER, identities.sign(sender, audience()));
    }
  }
}
