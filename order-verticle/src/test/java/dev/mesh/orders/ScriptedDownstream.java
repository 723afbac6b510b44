package dev.mesh.orders;

import dev.mesh.common.MeshError;
import dev.mesh.common.contract.ActionContract;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The services of the saga's steps, answering from a script, at once, with no event bus: each action
 * answers {@link Answer#OK} unless told otherwise, first from its queue of one-off answers, then from its
 * standing answer. A step that holds something (one with a compensation) keeps the contract the
 * declaration asks of it, per order id: its action holds once however often it is repeated, its
 * compensation gives back (or, when it comes first, bars the action for that order), its commit makes
 * the holding final.
 */
final class ScriptedDownstream implements Downstream {

  /** How a service answers one call. */
  enum Answer {
    /** Does the work and answers. */
    OK,
    /** Answers with the action's refusal (a 4xx), doing nothing. */
    REFUSED,
    /** Answers 503 (its database down, no instance), doing nothing. */
    UNAVAILABLE,
    /** Does nothing and never answers in time: 504. */
    TIMEOUT,
    /** Does the work, but the answer is lost: 504. */
    REPLY_LOST,
    /** Does the work and never answers: the caller is left waiting, as an instance that died mid-call. */
    HANG
  }

  /** A holding of one order at one step's service. */
  enum Holding { HELD, RELEASED, VOID, COMMITTED }

  private final Map<ActionContract, Deque<Answer>> next = new HashMap<>();
  private final Map<ActionContract, Answer> standing = new HashMap<>();
  private final Map<ActionContract, MeshError> refusals = new HashMap<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private final Map<SagaStep, Map<String, Holding>> holdings = new HashMap<>();
  private final Map<SagaStep, Integer> holdingsMade = new HashMap<>();
  private final Set<String> openBreakers = new HashSet<>();

  /** {@code action} answers {@code answer} from now on (after any one-off answers still queued). */
  synchronized ScriptedDownstream answer(ActionContract action, Answer answer) {
    standing.put(action, answer);
    return this;
  }

  /** The next calls of {@code action} answer these, one each, before its standing answer. */
  synchronized ScriptedDownstream answerNext(ActionContract action, Answer... answers) {
    next.computeIfAbsent(action, a -> new ArrayDeque<>()).addAll(java.util.List.of(answers));
    return this;
  }

  /** {@code action} refuses with {@code refusal} from now on. */
  synchronized ScriptedDownstream refuse(ActionContract action, MeshError refusal) {
    refusals.put(action, refusal);
    return answer(action, Answer.REFUSED);
  }

  /** This instance's breaker towards {@code service} opens: its calls fail at once, reaching nobody. */
  synchronized void openBreaker(String service) {
    openBreakers.add(service);
  }

  synchronized void closeBreaker(String service) {
    openBreakers.remove(service);
  }

  /** How many calls of {@code action} reached its service. */
  synchronized int calls(ActionContract action) {
    return calls.entrySet().stream().filter(e -> e.getKey().startsWith(action.action() + "@" + action.service() + " "))
        .mapToInt(Map.Entry::getValue).sum();
  }

  /** How many calls of {@code action} about {@code key} (an order id, or the user id of a user check) reached it. */
  synchronized int calls(ActionContract action, String key) {
    return calls.getOrDefault(callKey(action, key), 0);
  }

  /** What {@code step}'s service holds for the order; null if it never heard of it. */
  synchronized Holding holding(SagaStep step, String orderId) {
    return holdings.getOrDefault(step, Map.of()).get(orderId);
  }

  /** How many holdings {@code step}'s service has made, over all orders. */
  synchronized int holdingsMade(SagaStep step) {
    return holdingsMade.getOrDefault(step, 0);
  }

  @Override
  public synchronized boolean breakerOpen(String service) {
    return openBreakers.contains(service);
  }

  @Override
  public synchronized Future<JsonObject> call(ActionContract action, JsonObject body, String customer) {
    if (openBreakers.contains(action.service())) {
      return Future.failedFuture(OpenCircuitException.INSTANCE);
    }
    String key = body.getString("orderId", body.getString("id"));
    calls.merge(callKey(action, key), 1, Integer::sum);
    Deque<Answer> queued = next.get(action);
    Answer answer = queued != null && !queued.isEmpty() ? queued.poll() : standing.getOrDefault(action, Answer.OK);
    return switch (answer) {
      case REFUSED -> Future.failedFuture(refusals.getOrDefault(action,
          MeshError.conflict(action.action() + " refused for " + key)));
      case UNAVAILABLE -> Future.failedFuture(MeshError.unavailable("the database is not reachable"));
      case TIMEOUT -> Future.failedFuture(MeshError.timeout("the service did not answer in time"));
      case OK, REPLY_LOST, HANG -> {
        Future<JsonObject> done;
        try {
          done = Future.succeededFuture(work(action, key));
        } catch (MeshError refused) {
          done = Future.failedFuture(refused);
        }
        yield answer == Answer.OK ? done
            : answer == Answer.REPLY_LOST ? Future.failedFuture(MeshError.timeout("the service did not answer in time"))
            : Promise.<JsonObject>promise().future();
      }
    };
  }

  /** The participant's side of the contract, for the step whose action, compensation or commit this is. */
  private JsonObject work(ActionContract action, String key) {
    for (SagaStep step : SagaStep.values()) {
      Map<String, Holding> held = holdings.computeIfAbsent(step, s -> new HashMap<>());
      Holding now = held.get(key);
      if (action == step.compensation()) {
        if (now == Holding.COMMITTED) {
          throw MeshError.conflict("order " + key + " is committed; it cannot be given back");
        }
        held.put(key, now == null ? Holding.VOID : now == Holding.HELD ? Holding.RELEASED : now);
        return holdingAnswer(key, held.get(key));
      }
      if (action == step.commit()) {
        if (now != Holding.HELD && now != Holding.COMMITTED) {
          throw MeshError.conflict("order " + key + " holds nothing to commit");
        }
        held.put(key, Holding.COMMITTED);
        return holdingAnswer(key, Holding.COMMITTED);
      }
      if (action == step.action() && step.compensation() != null) {
        if (now == Holding.RELEASED || now == Holding.VOID) {
          throw MeshError.conflict("order " + key + " was released; it cannot hold again");
        }
        if (now == null) {
          held.put(key, Holding.HELD);
          holdingsMade.merge(step, 1, Integer::sum);
        }
        return holdingAnswer(key, held.get(key));
      }
    }
    return new JsonObject().put("id", key); // a step that holds nothing: a lookup such as the user check
  }

  private static JsonObject holdingAnswer(String orderId, Holding holding) {
    return new JsonObject().put("orderId", orderId).put("status", holding.name());
  }

  private static String callKey(ActionContract action, String key) {
    return action.action() + "@" + action.service() + " " + key;
  }
}
