package dev.mesh.orders;

import dev.mesh.common.MeshError;
import dev.mesh.common.MeshService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service the saga calls, stood in for by a real consumer on the event bus that keeps the service's
 * contract (docs/users.md, docs/inventory.md) and can be made to fail the ways a real one does.
 */
abstract class StandInService {

  /** How the service behaves right now. */
  enum Mode {
    /** Answers by its contract. */
    UP,
    /** No consumer: the caller gets NO_HANDLERS (the mesh's 503), as when no instance runs. */
    GONE,
    /** Answers 503, as a service whose database is down does. */
    UNAVAILABLE,
    /** Does the work but never answers: the reply is lost, the caller times out (504). */
    REPLY_LOST
  }

  private final Vertx vertx;
  private final String address;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private volatile Mode mode = Mode.UP;
  private MessageConsumer<JsonObject> consumer;

  StandInService(Vertx vertx, String address) {
    this.vertx = vertx;
    this.address = address;
  }

  Future<Void> start() {
    consumer = vertx.eventBus().consumer(address, this::receive);
    return consumer.completion();
  }

  /** Switches the behaviour; GONE unregisters the consumer, leaving GONE registers it again. */
  Future<Void> mode(Mode next) {
    Mode before = mode;
    mode = next;
    if (next == Mode.GONE && before != Mode.GONE) {
      return consumer.unregister();
    }
    if (next != Mode.GONE && before == Mode.GONE) {
      return start();
    }
    return Future.succeededFuture();
  }

  /** How many calls of this action reached the service (answered or not), for {@code key} (an id). */
  int calls(String action, String key) {
    AtomicInteger count = calls.get(action + " " + key);
    return count == null ? 0 : count.get();
  }

  int calls(String action) {
    return calls.entrySet().stream().filter(e -> e.getKey().startsWith(action + " "))
        .mapToInt(e -> e.getValue().get()).sum();
  }

  /** The contract: the answer to an action, or a {@link MeshError} refusal. */
  protected abstract JsonObject answer(String action, JsonObject body);

  /** The id a call is about, for counting. */
  protected abstract String key(JsonObject body);

  private void receive(Message<JsonObject> message) {
    String action = message.headers().get(MeshService.ACTION_HEADER);
    calls.computeIfAbsent(action + " " + key(message.body()), k -> new AtomicInteger()).incrementAndGet();
    if (mode == Mode.UNAVAILABLE) {
      message.fail(503, MeshError.unavailable("the database is not reachable").toJson().encode());
      return;
    }
    JsonObject answer;
    try {
      answer = answer(action, message.body());
    } catch (MeshError refused) {
      if (mode != Mode.REPLY_LOST) {
        message.fail(refused.status(), refused.toJson().encode());
      }
      return;
    }
    if (mode != Mode.REPLY_LOST) {
      message.reply(answer);
    }
  }
}
