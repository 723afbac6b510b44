package dev.mesh.orders;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshConfig;
import dev.mesh.common.Reply;
import dev.mesh.common.identity.Identities;
import dev.mesh.common.testing.Bus;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.contracts.OrdersContract;
import dev.mesh.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The order service's parts against a real embedded PostgreSQL, on a local event bus where users and
 * inventory are stood in for by real consumers ({@link StandInUsers}, {@link StandInInventory}). Each
 * {@link #instance} is what one order-service instance builds, wired as OrderVerticle wires it: its own
 * store, saga, sweep, relay and breakers, on the one shared database. The order events the relays publish
 * are recorded.
 */
final class OrderFixture implements AutoCloseable {

  static final Duration BOUND = Duration.ofSeconds(30);

  /** Short timings so that waiting, giving up and leases show within seconds. */
  static final OrderSaga.Timing QUICK = new OrderSaga.Timing(2_000, 60_000, 60_000, new Backoff(20, 200));

  final Vertx vertx = Vertx.vertx();
  final Database database;
  final StandInUsers users = new StandInUsers(vertx);
  final StandInInventory inventory = new StandInInventory(vertx);
  /** Every order event delivered, in arrival order (duplicates included). */
  final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final List<Long> sweepTimers = new CopyOnWriteArrayList<>();
  private final List<OrderService> running = new CopyOnWriteArrayList<>();

  private final MeshConfig settings;

  OrderFixture(Path dataDir) {
    settings = MeshConfig.of(new JsonObject().put(Database.DATA_DIR, dataDir.toString()));
    database = await(Database.open(vertx, settings, "orders"));
    await(users.start());
    await(inventory.start());
    for (OrdersContract.Status status : OrdersContract.Status.values()) {
      await(vertx.eventBus().<JsonObject>consumer(status.event().address(),
          message -> events.add(message.body().copy().put("address", message.address()))).completion());
    }
  }

  OrderService instance(OrderSaga.Timing timing) {
    return instance(timing, 3, 1_000);
  }

  OrderService instance(OrderSaga.Timing timing, int breakerMaxFailures, long breakerResetMs) {
    OutboxRelay relay = new OutboxRelay(vertx, database.pool());
    OrderService instance = OrderService.onPostgres(vertx, Identities.of(vertx, settings), database.pool(), relay::wake,
        new OrderMetrics(vertx, database.pool()),
        new OrderService.Settings(timing, 300, 1_000, breakerMaxFailures, breakerResetMs));
    // as OrderVerticle does: a periodic sweep besides the wake-ups for retries
    sweepTimers.add(vertx.setPeriodic(100, id -> instance.recovery().sweep()));
    running.add(instance);
    return instance;
  }

  /** Stops the sweeps of every instance made so far, so that none drives the next test's orders. */
  void stopInstances() {
    sweepTimers.forEach(vertx::cancelTimer);
    sweepTimers.clear();
    running.forEach(instance -> instance.recovery().stop());
    running.clear();
  }

  static JsonArray items(Object... skuAndQuantity) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < skuAndQuantity.length; i += 2) {
      items.add(new JsonObject().put("sku", skuAndQuantity[i]).put("quantity", skuAndQuantity[i + 1]));
    }
    return items;
  }

  /** {@code create} as a customer calls it for themselves: the reply (201 or 202) with the order. */
  static Reply place(OrderService instance, String userId, JsonArray items) {
    Caller customer = Caller.of(userId, List.of("customer"), List.of()).actingThrough("gateway");
    return await(instance.handlers().createOrder(new JsonObject().put("userId", userId).put("items", items)
        .put("idempotencyKey", UUID.randomUUID().toString()).put(Caller.FIELD, customer.toJson())));
  }

  /** A handler's input as the dispatcher hands it for an operator's call. */
  static JsonObject asOperator(JsonObject input) {
    return input.put(Caller.FIELD, Bus.OPERATOR.toJson());
  }

  Order order(String id) {
    return await(database.pool().preparedQuery(OrderSql.FIND).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : Order.from(rows.iterator().next())));
  }

  /** The order once {@code done} holds, bounded. */
  Order awaitOrder(String id, String what, java.util.function.Predicate<Order> done) {
    return Eventually.await(BOUND, what + " (order " + id + ")", () -> order(id), done);
  }

  Order awaitFinal(String id) {
    return awaitOrder(id, "a final state", Order::isFinal);
  }

  /** The order once the saga owes it nothing more: final, and its stock settled. */
  Order awaitSettled(String id) {
    return Eventually.await(BOUND, "order " + id + " settled", () -> order(id),
        o -> o.isFinal() && o.claim() == null && !o.stock().owedBack() && o.stock() != OrderStates.Stock.COMMITTING
            && !(o.status() == OrdersContract.Status.CONFIRMED && o.stock() == OrderStates.Stock.ASKED));
  }

  /** Runs a statement against the order database, for tests that leave it in a state a crash would. */
  int sql(String statement, Object... params) {
    return await(database.pool().preparedQuery(statement).execute(Tuple.from(params))).rowCount();
  }

  /** The addresses of the distinct events of one order (by eventId), in arrival order. */
  List<String> eventsOf(String orderId) {
    Map<String, String> distinct = new java.util.LinkedHashMap<>();
    events.stream().filter(e -> orderId.equals(e.getString("orderId")))
        .forEach(e -> distinct.putIfAbsent(e.getString("eventId"), e.getString("address")));
    return List.copyOf(distinct.values());
  }

  /** Waits until the order's events are exactly {@code expected}, then checks none comes twice. */
  void awaitEvents(String orderId, List<String> expected) {
    Eventually.await(BOUND, "events of " + orderId, () -> eventsOf(orderId), expected::equals);
  }

  /** How many times each eventId was delivered, over all events. */
  Map<String, AtomicInteger> deliveries() {
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    events.forEach(e -> counts.computeIfAbsent(e.getString("eventId"), k -> new AtomicInteger()).incrementAndGet());
    return counts;
  }

  static <T> T await(Future<T> future) {
    return TestCluster.await(future);
  }

  @Override
  public void close() {
    stopInstances();
    await(database.close());
    await(vertx.close());
  }
}
