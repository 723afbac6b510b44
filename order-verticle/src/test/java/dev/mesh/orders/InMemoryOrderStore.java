package dev.mesh.orders;

import static dev.mesh.contracts.OrdersContract.Status.CANCELLED;
import static dev.mesh.contracts.OrdersContract.Status.CONFIRMED;
import static dev.mesh.contracts.OrdersContract.Status.PENDING;
import static dev.mesh.orders.OrderStates.Stock.COMMITTING;
import static dev.mesh.orders.OrderStates.Stock.RESERVED;

import dev.mesh.common.MeshError;
import dev.mesh.contracts.OrdersContract.Status;
import dev.mesh.orders.OrderStates.Stock;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The order store in memory, for the saga's fast tests: each method does what its statement in
 * {@link OrderSql} does, with the same guards (a write by a driver that lost the claim, or on an order
 * that moved on, changes nothing and answers null), on the time of a {@link ManualClock}. The events
 * each change writes are kept per order. PgOrderStore's own behaviour is proven by the PostgreSQL tests.
 */
final class InMemoryOrderStore implements OrderStore {

  /** One row of {@code orders}; {@code nextAttemptAt} is null when the saga owes the order nothing. */
  private static final class Row {
    String id;
    long seq;
    String userId;
    JsonArray items;
    Status status = PENDING;
    String reason;
    Stock stock = SagaStep.OWED_FROM_BIRTH;
    SagaStep step = SagaStep.values()[0];
    String waitingFor;
    int attempts;
    String claim;
    String key;
    String requestHash;
    long createdAt;
    long updatedAt;
    Long confirmedAt;
    Long nextAttemptAt;
  }

  private final ManualClock clock;
  private final Map<String, Row> rows = new LinkedHashMap<>();
  private final Map<String, List<String>> events = new LinkedHashMap<>();
  private long lastSeq;

  InMemoryOrderStore(ManualClock clock) {
    this.clock = clock;
  }

  /** The addresses of the events written for the order, in the order written. */
  synchronized List<String> eventsOf(String orderId) {
    return List.copyOf(events.getOrDefault(orderId, List.of()));
  }

  @Override
  public synchronized Future<Created> create(OrderValidation.NewOrder request, long leaseMs) {
    Row existing = rows.values().stream().filter(r -> r.key.equals(request.idempotencyKey())).findFirst().orElse(null);
    if (existing != null) {
      if (!existing.requestHash.equals(request.hash())) {
        return Future.failedFuture(new MeshError(422, "idempotency_key_reused",
            "this Idempotency-Key was used for a different order; use a new key", null));
      }
      return Future.succeededFuture(new Created(order(existing), false));
    }
    Row row = new Row();
    row.id = UUID.randomUUID().toString();
    row.seq = ++lastSeq;
    row.userId = request.userId();
    row.items = request.items().copy();
    row.key = request.idempotencyKey();
    row.requestHash = request.hash();
    row.claim = OrderStore.newClaim();
    row.createdAt = clock.nowMs();
    row.updatedAt = row.createdAt;
    row.nextAttemptAt = in(leaseMs);
    rows.put(row.id, row);
    return Future.succeededFuture(new Created(withEvent(row), true));
  }

  @Override
  public synchronized Future<Order> find(String id) {
    Row row = rows.get(id);
    return Future.succeededFuture(row == null ? null : order(row));
  }

  @Override
  public synchronized Future<List<Order>> list(String userId, long afterSeq, int limit) {
    return Future.succeededFuture(rows.values().stream()
        .filter(r -> r.seq > afterSeq && (userId == null || userId.equals(r.userId)))
        .limit(limit).map(InMemoryOrderStore::order).toList());
  }

  @Override
  public synchronized Future<List<Order>> claimDue(String claim, long leaseMs, int limit, List<String> openServices,
      long giveUpMs) {
    long now = clock.nowMs();
    List<Row> due = rows.values().stream()
        .filter(r -> r.nextAttemptAt != null && r.nextAttemptAt <= now)
        .filter(r -> r.waitingFor == null || !openServices.contains(r.waitingFor)
            || (r.status == PENDING && r.createdAt <= now - giveUpMs))
        .sorted(Comparator.comparingLong(r -> r.nextAttemptAt)).limit(limit).toList();
    List<Order> claimed = new ArrayList<>();
    for (Row row : due) {
      row.claim = claim;
      row.nextAttemptAt = in(leaseMs);
      if (row.status == CONFIRMED && row.stock == RESERVED) {
        row.stock = COMMITTING;
      }
      claimed.add(order(row));
    }
    return Future.succeededFuture(claimed);
  }

  @Override
  public synchronized Future<Order> confirm(Order order, Stock stock, String nextClaim, long nextMs) {
    return write(order.id(), claimedBy(order).and(r -> r.status == PENDING), true, row -> {
      row.status = CONFIRMED;
      row.stock = stock;
      row.claim = nextClaim;
      row.nextAttemptAt = in(nextMs);
      row.waitingFor = null;
      row.attempts = 0;
      row.confirmedAt = clock.nowMs();
      row.updatedAt = clock.nowMs();
    });
  }

  @Override
  public synchronized Future<Order> end(Order order, Status status, String reason, long leaseMs) {
    return write(order.id(), claimedBy(order).and(r -> r.status == PENDING), true, row -> {
      row.status = status;
      row.reason = reason;
      row.waitingFor = null;
      row.attempts = 0;
      row.nextAttemptAt = in(leaseMs);
      row.updatedAt = clock.nowMs();
    });
  }

  @Override
  public synchronized Future<Order> waitFor(Order order, SagaStep step, long delayMs, long giveUpMs) {
    long now = clock.nowMs();
    return write(order.id(), claimedBy(order).and(r -> r.status == PENDING && r.createdAt > now - giveUpMs), false,
        row -> {
          row.attempts = row.step == step ? row.attempts + 1 : 1;
          row.step = step;
          row.waitingFor = step.service();
          row.claim = null;
          row.nextAttemptAt = Math.min(now + delayMs, row.createdAt + giveUpMs);
        });
  }

  @Override
  public synchronized Future<Order> stockLater(Order order, String service, long delayMs) {
    return write(order.id(), claimedBy(order), false, row -> {
      row.waitingFor = service;
      row.attempts++;
      row.claim = null;
      row.nextAttemptAt = in(delayMs);
    });
  }

  @Override
  public synchronized Future<Order> settleStock(Order order, List<Stock> from, Stock to) {
    return write(order.id(), claimedBy(order).and(r -> from.contains(r.stock)), false, row -> {
      row.stock = to;
      row.claim = null;
      row.nextAttemptAt = null;
      row.waitingFor = null;
      row.attempts = 0;
      row.updatedAt = clock.nowMs();
    });
  }

  @Override
  public synchronized Future<Order> cancel(String id, String reason, long leaseMs, long cancelWindowMs) {
    long now = clock.nowMs();
    return write(id, r -> r.status == PENDING
        || (r.status == CONFIRMED && r.stock == RESERVED && r.confirmedAt > now - cancelWindowMs), true, row -> {
          row.status = CANCELLED;
          row.reason = reason;
          row.claim = OrderStore.newClaim();
          row.nextAttemptAt = in(leaseMs);
          row.waitingFor = null;
          row.attempts = 0;
          row.updatedAt = now;
        });
  }

  private Future<Order> write(String id, Predicate<Row> guard, boolean withEvent,
      Consumer<Row> change) {
    Row row = rows.get(id);
    if (row == null || !guard.test(row)) {
      return Future.succeededFuture(null);
    }
    change.accept(row);
    return Future.succeededFuture(withEvent ? withEvent(row) : order(row));
  }

  private static Predicate<Row> claimedBy(Order order) {
    return row -> order.claim() != null && order.claim().equals(row.claim);
  }

  private Order withEvent(Row row) {
    Order order = order(row);
    events.computeIfAbsent(row.id, k -> new ArrayList<>()).add(order.status().event().address());
    return order;
  }

  private long in(long ms) {
    return clock.nowMs() + ms;
  }

  private static Order order(Row r) {
    return new Order(r.id, r.seq, r.userId, r.items.copy(), r.status, r.reason, r.stock, r.step, r.waitingFor,
        r.attempts, r.claim, r.requestHash, time(r.createdAt), time(r.updatedAt),
        r.confirmedAt == null ? null : time(r.confirmedAt), null);
  }

  private static OffsetDateTime time(long ms) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC);
  }
}
