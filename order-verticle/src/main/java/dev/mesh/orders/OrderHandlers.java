package dev.mesh.orders;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshError;
import dev.mesh.common.Reply;
import dev.mesh.common.input.Cursor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** One method per action of {@code mesh.orders}. */
final class OrderHandlers {

  private final Vertx vertx;
  private final OrderStore store;
  private final OrderSaga saga;
  private final long replyWithinMs;

  OrderHandlers(Vertx vertx, OrderStore store, OrderSaga saga, long replyWithinMs) {
    this.vertx = vertx;
    this.store = store;
    this.saga = saga;
    this.replyWithinMs = replyWithinMs;
  }

  /**
   * Records the order and runs its saga. 201 with the final state when the saga ends within
   * {@code ORDERS_REPLY_WITHIN_MS}; otherwise 202 with the PENDING order, whose saga goes on. A repeat
   * with the same Idempotency-Key answers the first order as it is now, and starts nothing.
   */
  Future<Reply> createOrder(JsonObject input) {
    OrderValidation.NewOrder request = OrderValidation.create(input);
    if (!Caller.of(input).mayActFor(request.userId())) {
      throw MeshError.forbidden("a customer may create orders only for themselves ('userId' is " + request.userId() + ")");
    }
    return store.create(request).compose(created -> {
      Order order = created.order();
      if (!created.isNew()) {
        return Future.succeededFuture(answer(order));
      }
      Future<Order> finished = saga.run(order);
      Future<Order> deadline = Future.future(p -> vertx.setTimer(replyWithinMs, t -> p.tryComplete(order)));
      return Future.any(finished, deadline).map(any -> finished.isComplete() && finished.succeeded()
          ? answer(finished.result()) : answer(order));
    });
  }

  Future<Reply> getOrder(JsonObject input) {
    String id = OrderValidation.id(input);
    Caller caller = Caller.of(input);
    return store.find(id).map(order -> {
      if (order == null || !caller.mayActFor(order.userId())) {
        throw MeshError.notFound("no order " + id);
      }
      return Reply.ok(order.toJson());
    });
  }

  Future<Reply> listOrders(JsonObject input) {
    OrderValidation.Page page = ownPage(OrderValidation.list(input), Caller.of(input));
    return store.list(page.userId(), page.afterSeq(), page.limit()).map(orders -> {
      JsonObject body = new JsonObject().put("items", OrderStore.page(orders));
      if (orders.size() == page.limit()) {
        body.put("next", Cursor.encode(OrderValidation.CURSOR_TAG, Long.toString(orders.get(orders.size() - 1).seq())));
      }
      return Reply.ok(body);
    });
  }

  /**
   * Cancels a CONFIRMED order while its stock is only reserved (within ORDERS_CANCEL_WINDOW_MS of its
   * confirmation): the stock is released and the order ends CANCELLED. Cancelling a CANCELLED order
   * answers it again; a PENDING, REJECTED or committed order answers 409.
   */
  Future<Reply> cancelOrder(JsonObject input) {
    String id = OrderValidation.id(input);
    Caller caller = Caller.of(input);
    return store.find(id).compose(order -> {
      if (order == null || !caller.mayActFor(order.userId())) {
        throw MeshError.notFound("no order " + id);
      }
      return switch (order.status()) {
        case Order.CANCELLED -> Future.succeededFuture(Reply.ok(order.toJson()));
        case Order.PENDING -> Future.failedFuture(MeshError.conflict(
            "order " + id + " is still being processed; cancel it once it is CONFIRMED"));
        case Order.REJECTED -> Future.failedFuture(MeshError.conflict("order " + id + " was rejected; nothing to cancel"));
        default -> saga.cancelConfirmed(order).compose(cancelled -> cancelled != null
            ? store.find(id).map(now -> Reply.ok(now.toJson()))
            : Future.failedFuture(MeshError.conflict(
                "order " + id + " is past its cancellation window; its stock is sold")));
      };
    });
  }

  /** A customer lists their own orders: the filter is theirs, and another's id is refused. */
  private static OrderValidation.Page ownPage(OrderValidation.Page page, Caller caller) {
    if (caller.isAdmin()) {
      return page;
    }
    if (page.userId() != null && !page.userId().equals(caller.subject())) {
      throw MeshError.forbidden("a customer may list only their own orders");
    }
    return new OrderValidation.Page(caller.subject(), page.afterSeq(), page.limit());
  }

  private static Reply answer(Order order) {
    return order.isFinal() ? Reply.created(order.toJson()) : Reply.accepted(order.toJson());
  }
}
