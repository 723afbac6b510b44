package dev.mesh.orders;

import static dev.mesh.orders.OrderFixture.QUICK;
import static dev.mesh.orders.OrderFixture.await;
import static dev.mesh.orders.OrderFixture.items;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mesh.common.MeshService;
import dev.mesh.contracts.OrdersContract.Status;
import dev.mesh.orders.OrderStates.Stock;
import dev.mesh.orders.StandInInventory.Counts;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A crash between two steps leaves the store in an intermediate state; the sweep of a live instance
 * finishes each one once the dead driver's lease has passed, and never while it lasts.
 */
class OrderRecoveryTest {

  private static final String DEAD_DRIVER = "claim-of-a-dead-instance";

  @TempDir
  static Path dataDir;
  static OrderFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new OrderFixture(dataDir);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @AfterEach
  void stopInstances() {
    fixture.stopInstances();
  }

  @Test
  void aSagaThatDiedBeforeItsFirstCallIsResumedOnlyOnceItsLeaseHasPassed() {
    String sku = fixture.inventory.addProduct(10);
    String user = fixture.users.addUser();
    String id = leftBehind(user, sku, "status = 'PENDING', step = 'CHECK_USER'", false);

    OrderService live = fixture.instance(QUICK);
    await(live.recovery().sweep());
    Order untouched = fixture.order(id);
    assertEquals(Status.PENDING, untouched.status());
    assertEquals(DEAD_DRIVER, untouched.claim(), "a live lease is left to its driver");

    lapse(id);
    assertEquals(Status.CONFIRMED, fixture.awaitFinal(id).status());
    assertEquals(new Counts(9, 1, 0), fixture.inventory.counts(sku));
    assertEquals(1, fixture.users.calls("get", user));
  }

  @Test
  void aSagaThatDiedAfterItsReserveIsConfirmedWithoutReservingTwice() {
    String sku = fixture.inventory.addProduct(10);
    String id = leftBehind(fixture.users.addUser(), sku, "status = 'PENDING', step = 'RESERVE_STOCK'", true);
    assertEquals(new Counts(9, 1, 0), fixture.inventory.counts(sku));
    lapse(id);

    fixture.instance(QUICK);
    assertEquals(Status.CONFIRMED, fixture.awaitFinal(id).status());
    assertEquals(new Counts(9, 1, 0), fixture.inventory.counts(sku), "the repeated reserve changed nothing");
  }

  @ParameterizedTest
  @EnumSource(value = Status.class, names = {"REJECTED", "CANCELLED"})
  void anOrderThatEndedButDiedBeforeItsReleaseIsReleased(Status ended) {
    String sku = fixture.inventory.addProduct(10);
    String id = leftBehind(fixture.users.addUser(), sku,
        "status = '" + ended + "', reason = 'ended before the crash', stock_state = 'ASKED'", true);
    lapse(id);

    fixture.instance(QUICK);
    Order settled = fixture.awaitSettled(id);
    assertEquals(ended, settled.status());
    assertEquals(Stock.RELEASED, settled.stock());
    assertEquals(new Counts(10, 0, 0), fixture.inventory.counts(sku));
  }

  @Test
  void aCommitClaimedButNotDoneIsFinished() {
    String sku = fixture.inventory.addProduct(10);
    String id = leftBehind(fixture.users.addUser(), sku,
        "status = 'CONFIRMED', confirmed_at = now() - interval '2 minutes', stock_state = 'COMMITTING'", true);
    lapse(id);

    fixture.instance(QUICK);
    assertEquals(Stock.COMMITTED, fixture.awaitSettled(id).stock());
    assertEquals(new Counts(9, 0, 1), fixture.inventory.counts(sku));
  }

  @Test
  void aConfirmedOrderIsSoldOnlyOnceItsWindowHasPassed() {
    String sku = fixture.inventory.addProduct(10);
    String id = leftBehind(fixture.users.addUser(), sku,
        "status = 'CONFIRMED', confirmed_at = now(), stock_state = 'RESERVED', claim = NULL", true);
    fixture.sql("UPDATE orders SET next_attempt_at = now() + interval '1 minute' WHERE id = $1", id);

    OrderService live = fixture.instance(QUICK);
    await(live.recovery().sweep());
    assertEquals(Stock.RESERVED, fixture.order(id).stock(), "still cancellable");

    lapse(id);
    assertEquals(Stock.COMMITTED, fixture.awaitSettled(id).stock());
    assertEquals(new Counts(9, 0, 1), fixture.inventory.counts(sku));
  }

  /** The fence: once another driver holds the claim, every write of the old one changes nothing. */
  @Test
  void aDriverWhoseClaimWasTakenOverWritesNothing() {
    OrderStore store = new PgOrderStore(fixture.database.pool(), () -> { });
    Order mine = await(store.create(request(fixture.users.addUser(), fixture.inventory.addProduct(5)), 60_000)).order();
    lapse(mine.id());
    List<Order> takenOver = await(store.claimDue("another-driver", 60_000, 1_000, List.of(), 60_000));
    assertEquals(1, takenOver.stream().filter(o -> o.id().equals(mine.id())).count());

    assertNull(await(store.confirm(mine, Stock.RESERVED, null, 60_000)));
    assertNull(await(store.end(mine, Status.REJECTED, "stale", 60_000)));
    assertNull(await(store.waitFor(mine, SagaStep.RESERVE_STOCK, 10, 60_000)));
    assertNull(await(store.settleStock(mine, List.of(Stock.ASKED), Stock.RELEASED)));
    Order now = fixture.order(mine.id());
    assertEquals(Status.PENDING, now.status());
    assertEquals("another-driver", now.claim());
    assertEquals(0, now.attempts());
  }

  /** What "one driver at a time" rests on: two sweeps claiming at the same moment never share an order. */
  @Test
  void twoSweepsClaimingAtOnceNeverTakeTheSameOrder() {
    OrderStore store = new PgOrderStore(fixture.database.pool(), () -> { });
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ids.add(await(store.create(request(UUID.randomUUID().toString(), "sku-x"), 600_000)).order().id());
    }
    for (int round = 0; round < 5; round++) {
      fixture.sql("UPDATE orders SET next_attempt_at = now() - interval '1 second', claim = 'gone' WHERE id = ANY($1)",
          (Object) ids.toArray(String[]::new));
      var first = store.claimDue("first-" + round, 600_000, 150, List.of(), 600_000);
      var second = store.claimDue("second-" + round, 600_000, 150, List.of(), 600_000);
      await(io.vertx.core.Future.all(first, second));
      java.util.Set<String> a = new java.util.HashSet<>(first.result().stream().map(Order::id).toList());
      java.util.Set<String> b = new java.util.HashSet<>(second.result().stream().map(Order::id).toList());
      a.retainAll(ids);
      b.retainAll(ids);
      java.util.Set<String> both = new java.util.HashSet<>(a);
      both.retainAll(b);
      assertEquals(0, both.size(), "orders claimed twice: " + both);
      assertEquals(ids.size(), a.size() + b.size(), "every due order claimed by one of them");
    }
  }

  /** An order recorded by a driver that then died, its row moved to {@code state}, its lease still running. */
  private static String leftBehind(String user, String sku, String state, boolean reserved) {
    OrderStore store = new PgOrderStore(fixture.database.pool(), () -> { });
    Order order = await(store.create(request(user, sku), 60_000)).order();
    if (reserved) {
      await(fixture.vertx.eventBus().request("mesh.inventory",
          new JsonObject().put("orderId", order.id()).put("items", items(sku, 1)),
          new DeliveryOptions().addHeader(MeshService.ACTION_HEADER, "reserve")));
    }
    fixture.sql("UPDATE orders SET " + state + " WHERE id = $1", order.id());
    fixture.sql("UPDATE orders SET claim = $2 WHERE id = $1 AND claim IS NOT NULL", order.id(), DEAD_DRIVER);
    return order.id();
  }

  private static OrderValidation.NewOrder request(String user, String sku) {
    return OrderValidation.create(new JsonObject().put("userId", user).put("items", items(sku, 1))
        .put("idempotencyKey", UUID.randomUUID().toString()));
  }

  /** The dead driver's lease passes. */
  private static void lapse(String id) {
    fixture.sql("UPDATE orders SET next_attempt_at = now() - interval '1 millisecond' WHERE id = $1", id);
  }
}
