package dev.mesh.orders;

import static dev.mesh.orders.OrderStates.Stock.ASKED;

import dev.mesh.common.MeshError;
import dev.mesh.common.contract.ActionContract;
import dev.mesh.contracts.InventoryContract;
import dev.mesh.contracts.UsersContract;
import dev.mesh.orders.OrderStates.Stock;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The saga of an order, declared as data, one step per constant in the order they run: the action it
 * calls, what a refusal (a 4xx answer) means, and, for a step that holds something for the order, the
 * compensation that gives it back, the stock state the order owes until then, and the commit that makes
 * it final once the order can no longer be cancelled. {@link OrderSaga} drives these steps and knows no
 * step by name; the step names are stored in {@code orders.step} (db/orders).
 *
 * <p>What the declaration decides: a refusal ends the order REJECTED (the reason and metrics category
 * come from the step); an unreachable service (a 5xx: no instance, timeout, open breaker, its database
 * down) makes the order wait and retry the same step. After the last step the order is CONFIRMED.
 *
 * <p>The stock an order owes ({@link Stock}) moves only along these lines: born {@link #OWED_FROM_BIRTH}
 * (the strongest state any step owes: a call may go out any moment after the order is stored), an order
 * that ends REJECTED or CANCELLED runs every {@link #COMPENSATIONS compensation} and is RELEASED; a
 * confirmed one is RESERVED for its cancellation window, then COMMITTING, runs every {@link #COMMITS
 * commit} and is COMMITTED. So a compensation and a commit must be idempotent by order id and harmless
 * before their step ran (a compensation that lands first also bars its step for that order).
 */
enum SagaStep {

  CHECK_USER(Definition.calls(UsersContract.Action.GET, order -> new JsonObject().put("id", order.userId()))
      .refusedAs("unknown_user", (order, answer) -> "unknown user " + order.userId())),

  RESERVE_STOCK(Definition.calls(InventoryContract.Action.RESERVE, SagaStep::orderWithItems)
      .refusedAs("stock", (order, answer) -> answer.getMessage()) // names the short or unknown skus
      .compensatedBy(InventoryContract.Action.RELEASE, ASKED)
      .committedBy(InventoryContract.Action.COMMIT));

  /** What a new order owes: the strongest state any step owes (NONE when no step holds anything). */
  static final Stock OWED_FROM_BIRTH = Arrays.stream(values()).map(SagaStep::owes)
      .max(Comparator.naturalOrder()).orElse(Stock.NONE);

  /** What an ended order calls to give everything back, the last step's first. */
  static final List<ActionContract> COMPENSATIONS = reversed(Arrays.stream(values())
      .map(SagaStep::compensation).filter(Objects::nonNull).toList());

  /** What a confirmed order calls once its window has passed. */
  static final List<ActionContract> COMMITS = Arrays.stream(values())
      .map(SagaStep::commit).filter(Objects::nonNull).toList();

  /** Every service the saga calls, for the sweep's view of their breakers. */
  static final List<String> SERVICES = Arrays.stream(values())
      .flatMap(step -> Stream.of(step.action(), step.compensation(), step.commit()))
      .filter(Objects::nonNull).map(ActionContract::service).distinct().toList();

  private final Definition definition;

  SagaStep(Definition definition) {
    this.definition = definition;
  }

  /** The call of this step for {@code order}. */
  ActionContract action() {
    return definition.action();
  }

  JsonObject request(Order order) {
    return definition.request().body(order);
  }

  /** The service this step needs, as the order's {@code waitingFor} names it. */
  String service() {
    return definition.action().service();
  }

  /** What gives back what this step holds; null for a step that holds nothing. */
  ActionContract compensation() {
    return definition.compensation();
  }

  /** What makes this step's holding final once the order can no longer be cancelled; null if nothing does. */
  ActionContract commit() {
    return definition.commit();
  }

  /** What the order owes from the moment this step may have been called until it is compensated. */
  Stock owes() {
    return definition.owes();
  }

  /** What a refusal of this step is, as a low-cardinality metrics label. */
  String refusalCategory() {
    return definition.refusalCategory();
  }

  /** A refusal of this step in the words the customer reads. */
  String refusal(Order order, MeshError answer) {
    return definition.refusalReason().reason(order, answer);
  }

  /** The step after this one; null after the last. */
  SagaStep next() {
    SagaStep[] steps = values();
    return ordinal() + 1 < steps.length ? steps[ordinal() + 1] : null;
  }

  /** A 4xx is the service's answer about this order; anything else means it could not answer. */
  static boolean isRefusal(MeshError error) {
    return error.status() >= 400 && error.status() < 500;
  }

  /** The body of a compensation or a commit: the order id alone, which the service keys its holding by. */
  static JsonObject orderOnly(Order order) {
    return new JsonObject().put("orderId", order.id());
  }

  private static JsonObject orderWithItems(Order order) {
    return orderOnly(order).put("items", order.items().copy());
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    Collections.reverse(copy);
    return List.copyOf(copy);
  }

  /** The body a step sends for an order. */
  interface Request {
    JsonObject body(Order order);
  }

  /** The words a refusal of a step gives the customer. */
  interface RefusalReason {
    String reason(Order order, MeshError answer);
  }

  /**
   * One step as data. {@code compensation} and {@code commit} are null for a step that holds nothing;
   * {@code owes} is what the order owes from the moment this step may have been called.
   */
  record Definition(ActionContract action, Request request, String refusalCategory, RefusalReason refusalReason,
      ActionContract compensation, Stock owes, ActionContract commit) {

    static Definition calls(ActionContract action, Request request) {
      return new Definition(action, request, action.action() + "_refused",
          (order, answer) -> answer.getMessage(), null, Stock.NONE, null);
    }

    Definition refusedAs(String category, RefusalReason reason) {
      return new Definition(action, request, category, reason, compensation, owes, commit);
    }

    /** Undone by {@code undo}; until that has run, an order that ends owes {@code owed}. */
    Definition compensatedBy(ActionContract undo, Stock owed) {
      return new Definition(action, request, refusalCategory, refusalReason, undo, owed, commit);
    }

    Definition committedBy(ActionContract done) {
      return new Definition(action, request, refusalCategory, refusalReason, compensation, owes, done);
    }
  }
}
