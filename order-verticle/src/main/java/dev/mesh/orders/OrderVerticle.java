package dev.mesh.orders;

import dev.mesh.common.Endpoint;
import dev.mesh.common.identity.Identities;
import dev.mesh.common.contract.Schemas;
import dev.mesh.contracts.InventoryContract;
import dev.mesh.contracts.OrdersContract;
import dev.mesh.contracts.OrdersContract.Action;
import dev.mesh.contracts.UsersContract;
import dev.mesh.db.DatabaseService;
import io.vertx.core.Future;
import java.util.List;

/**
 * The order service ({@link OrdersContract}: its address, actions, states and events). The endpoint
 * table below pairs each action with its route and handler (docs/orders.md). The saga's steps are
 * declared in {@link SagaStep} and driven by {@link OrderSaga}; the sweep that takes waiting and orphaned
 * orders is {@link OrderRecovery}; {@link OrderService} wires them; every statement (and how instances
 * share the database) is in {@link OrderSql}; the event relay is {@link OutboxRelay}.
 */
public class OrderVerticle extends DatabaseService {

  public static final String CALL_TIMEOUT_MS = "ORDERS_CALL_TIMEOUT_MS";
  public static final String REPLY_WITHIN_MS = "ORDERS_REPLY_WITHIN_MS";
  public static final String CANCEL_WINDOW_MS = "ORDERS_CANCEL_WINDOW_MS";
  public static final String RECOVER_AFTER_MS = "ORDERS_RECOVER_AFTER_MS";
  public static final String SWEEP_INTERVAL_MS = "ORDERS_SWEEP_INTERVAL_MS";
  public static final String GIVE_UP_AFTER_MS = "ORDERS_GIVE_UP_AFTER_MS";
  public static final String RETRY_MIN_MS = "ORDERS_RETRY_MIN_MS";
  public static final String RETRY_MAX_MS = "ORDERS_RETRY_MAX_MS";
  public static final String BREAKER_MAX_FAILURES = "ORDERS_BREAKER_MAX_FAILURES";
  public static final String BREAKER_RESET_MS = "ORDERS_BREAKER_RESET_MS";

  private OrderHandlers orders;
  private OutboxRelay relay;
  private OrderRecovery recovery;
  private OrderMetrics metrics;
  private long relayTimer = -1;
  private long sweepTimer = -1;

  @Override
  protected String name() {
    return OrdersContract.SERVICE;
  }

  @Override
  protected Future<?> prepare() {
    return openDatabase().onSuccess(db -> {
      OrderSaga.Timing timing = new OrderSaga.Timing(
          settings.getInt(RECOVER_AFTER_MS, 10_000),
          settings.getInt(CANCEL_WINDOW_MS, 60_000),
          settings.getInt(GIVE_UP_AFTER_MS, 60_000),
          new Backoff(settings.getInt(RETRY_MIN_MS, 250), settings.getInt(RETRY_MAX_MS, 5000)));
      relay = new OutboxRelay(vertx, db.pool());
      metrics = new OrderMetrics(vertx, db.pool());
      OrderService service = OrderService.onPostgres(vertx, Identities.of(vertx, settings), db.pool(), relay::wake,
          metrics, new OrderService.Settings(
          timing, settings.getInt(CALL_TIMEOUT_MS, 2000), settings.getInt(REPLY_WITHIN_MS, 3000),
          settings.getInt(BREAKER_MAX_FAILURES, 5), settings.getInt(BREAKER_RESET_MS, 5000)));
      recovery = service.recovery();
      orders = service.handlers();
    });
  }

  @Override
  protected List<OrdersContract.Event> events() {
    return List.of(OrdersContract.Event.values());
  }

  @Override
  protected List<Endpoint> endpoints() {
    return List.of(
        Endpoint.post("/api/orders", Action.CREATE, orders::createOrder).withHeader("Idempotency-Key", "idempotencyKey")
            .summary("Place an order: the saga checks the user, reserves the stock and confirms")
            .body(OrderSchemas.NEW_ORDER)
            .responds(201, "the finished order: CONFIRMED, REJECTED (with the reason) or CANCELLED")
            .responds(202, "the PENDING order, whose saga goes on: poll GET /api/orders/{id}")
            .responds(422, "this Idempotency-Key was used for a different order"),
        Endpoint.get("/api/orders/:id", Action.GET, orders::getOrder)
            .withExpansion("user", "userId", UsersContract.Action.GET, "id", "user")
            .withExpansion("products", "items[].sku", InventoryContract.Action.GET, "sku", "product")
            .summary("Read an order, optionally with its user and products embedded")
            .responds(200, "the order").responds(404, "no such order"),
        Endpoint.get("/api/orders", Action.LIST, orders::listOrders)
            .summary("List orders, oldest first, optionally of one user")
            .query("userId", "only this user's orders", Schemas.uuid())
            .query("limit", "page size (default 20)", Schemas.wholeNumber(1, 100))
            .query("after", "the 'next' cursor of the previous page", Schemas.string())
            .responds(200, "{items, next}: a page of orders and the cursor of the next page (null at the end)"),
        Endpoint.post("/api/orders/:id/cancel", Action.CANCEL, orders::cancelOrder)
            .summary("Cancel a confirmed order within its cancellation window").body(OrderSchemas.NOTHING)
            .responds(200, "the CANCELLED order, its stock released").responds(404, "no such order")
            .responds(409, "the order is PENDING, REJECTED or past its cancellation window"));
  }

  @Override
  public Future<?> start() {
    return super.start().onSuccess(started -> {
      // events left in the outbox and sagas left unfinished by a previous crash go out first
      relay.wake();
      recovery.sweep();
      relayTimer = vertx.setPeriodic(500, id -> relay.wake());
      sweepTimer = vertx.setPeriodic(settings.getInt(SWEEP_INTERVAL_MS, 1000), id -> recovery.sweep());
      metrics.start();
    });
  }

  @Override
  protected Future<?> cleanup() {
    vertx.cancelTimer(relayTimer);
    vertx.cancelTimer(sweepTimer);
    if (recovery != null) {
      recovery.stop();
    }
    if (metrics != null) {
      metrics.stop();
    }
    return super.cleanup();
  }
}
