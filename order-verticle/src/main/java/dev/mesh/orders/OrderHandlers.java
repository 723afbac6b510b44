package dev.mesh.orders;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshError;
import dev.mesh.common.Reply;
import dev.mesh.common.input.Cursor;
import dev.mesh.contracts.OrdersContract.Status;
import io.vertx.core.Future;
import io.vertx.core.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicReference;

/** One method per action of {@code mesh.orders}. */
final class OrderHandlers {

  private final Vertx vertx;
  private final OrderStore store;
  private final OrderSaga saga;
  private final long leaseMs;
  private final long replyWithinMs;

  OrderHandlers(Vertx vertx, OrderStore store, OrderSaga saga, long leaseMs, long replyWithinMs) {
    this.vertx = vertx;
    this.store = store;
    this.saga = saga;
    this.leaseMs = leaseMs;
    this.replyWithinMs = replyWithinMs;
  }

  /**
   * Records the order and runs its saga. 201 with the final state when the saga ends within
   * {@code ORDERS_REPLY_WITHIN_MS} (also when a retry of this instance's sweep ends it); otherwise 202
   * with the PENDING order as it stands (with {@code waitingFor} if it waits for a service). A repeat
   * with the same Idempotency-Key answers the first order as it is now, and starts nothing.
   */
  Future<Reply> createOrder(JsonObject input) {
    OrderValidation.NewOrder request = OrderValidation.create(input);
    if (!Caller.of(input).mayActFor(request.userId())) {
      throw MeshError.forbidden("a customer may create orders only for themselves ('userId' is " + request.userId() + ")");
    }
    return store.create(request, leaseMs).compose(created -> {
      Order order = created.order();
      if (!created.isNew()) {
        return Future.succeededFuture(answer(order));
      }
      AtomicReference<Order> latest = new AtomicReference<>(order);
      Future<Order> ended = saga.watch(order.id());
      saga.drive(order).onSuccess(latest::set);
      Timer deadline = vertx.timer(replyWithinMs);
      return Future.any(ended, deadline)
          .map(any -> answer(ended.isComplete() ? ended.result() : latest.get()))
          .eventually(() -> {
            deadline.cancel();
            saga.unwatch(order.id());
            return Future.succeededFuture();
          });
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
      JsonArray items = new JsonArray();
      orders.forEach(order -> items.add(order.toJson()));
      JsonObject body = new JsonObject().put("items", items);
      if (orders.size() == page.limit()) {
        body.put("next", Cursor.encode(OrderValidation.CURSOR_TAG, Long.toString(orders.get(orders.size() - 1).seq())));
      }
      return Reply.ok(body);
    });
  }

  /**
   * Cancels a PENDING order (its saga, even one waiting for a service, stops) or a CONFIRMED order
   * within ORDERS_CANCEL_WINDOW_MS of its confirmation: the order ends CANCELLED and its stock is
   * released. Cancelling a CANCELLED order answers it again; a REJECTED or committed order answers 409.
   */
  Future<Reply> cancelOrder(JsonObject input) {
    String id = OrderValidation.id(input);
    Caller caller = Caller.of(input);
    return store.find(id).compose(owned -> {
      if (owned == null || !caller.mayActFor(owned.userId())) {
        throw MeshError.notFound("no order " + id); // another customer's order is not there, as for reads
      }
      return saga.cancelByCustomer(id).compose(cancelled -> cancelled != null
          ? Future.succeededFuture(Reply.ok(cancelled.toJson()))
          : store.find(id).map(order -> {
            if (order.status() == Status.CANCELLED) {
              return Reply.ok(order.toJson());
            }
            if (order.status() == Status.REJECTED) {
              throw MeshError.conflict("order " + id + " was rejected; nothing to cancel");
            }
            throw MeshError.conflict("order " + id + " is past its cancellation window; its stock is sold");
          }));
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
