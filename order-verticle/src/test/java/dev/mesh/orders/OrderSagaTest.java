package dev.mesh.orders;

import static dev.mesh.orders.OrderFixture.QUICK;
import static dev.mesh.orders.OrderFixture.await;
import static dev.mesh.orders.OrderFixture.items;
import static dev.mesh.orders.OrderFixture.place;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.MeshError;
import dev.mesh.common.MeshService;
import dev.mesh.common.Reply;
import dev.mesh.common.testing.Eventually;
import dev.mesh.contracts.InventoryContract;
import dev.mesh.contracts.OrdersContract.Status;
import dev.mesh.orders.OrderStates.Stock;
import dev.mesh.orders.StandInInventory.Counts;
import dev.mesh.orders.StandInService.Mode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every step and outcome of the order saga, in process and in seconds: a real PostgreSQL, users and
 * inventory stood in for by consumers on the event bus that fail the ways real ones do.
 */
class OrderSagaTest {

  private static final List<String> CONFIRMED_EVENTS = List.of("events.order.created", "events.order.confirmed");

  @TempDir
  static Path dataDir;
  static OrderFixture fixture;
  static StandInUsers users;
  static StandInInventory inventory;

  @BeforeAll
  static void start() {
    fixture = new OrderFixture(dataDir);
    users = fixture.users;
    inventory = fixture.inventory;
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @AfterEach
  void stopInstances() {
    fixture.stopInstances();
  }

  @BeforeEach
  void everyServiceUp() {
    await(users.mode(Mode.UP));
    await(inventory.mode(Mode.UP));
  }

  @Test
  void aKnownUserWithStockIsConfirmedAtOnceAndTheStockStaysReserved() {
    OrderService orders = fixture.instance(QUICK);
    String sku = inventory.addProduct(10);
    Reply reply = place(orders, users.addUser(), items(sku, 3));

    assertEquals(201, reply.status(), reply.body().encode());
    assertEquals("CONFIRMED", reply.body().getString("status"));
    assertFalse(reply.body().containsKey("waitingFor"));
    assertEquals(new Counts(7, 3, 0), inventory.counts(sku));
    fixture.awaitEvents(reply.body().getString("id"), CONFIRMED_EVENTS);
  }

  @Test
  void anUnknownUserIsRejectedAndNoReservationCanLandLater() {
    OrderService orders = fixture.instance(QUICK);
    String sku = inventory.addProduct(5);
    Reply reply = place(orders, java.util.UUID.randomUUID().toString(), items(sku, 1));

    assertEquals(201, reply.status());
    assertEquals("REJECTED", reply.body().getString("status"));
    assertTrue(reply.body().getString("reason").startsWith("unknown user"), reply.body().encode());
    String id = reply.body().getString("id");
    assertEquals(Stock.RELEASED, fixture.awaitSettled(id).stock());
    assertEquals("VOID", inventory.reservation(id), "released before any reserve: a late one is refused");
    assertEquals(new Counts(5, 0, 0), inventory.counts(sku));
    fixture.awaitEvents(id, List.of("events.order.created", "events.order.rejected"));
  }

  @Test
  void shortStockRejectsTheWholeOrderNamingTheShortSku() {
    OrderService orders = fixture.instance(QUICK);
    String scarce = inventory.addProduct(2);
    String plenty = inventory.addProduct(10);
    Reply reply = place(orders, users.addUser(), items(scarce, 5, plenty, 1));

    assertEquals("REJECTED", reply.body().getString("status"));
    assertTrue(reply.body().getString("reason").contains(scarce), reply.body().encode());
    assertFalse(reply.body().getString("reason").contains(plenty), reply.body().encode());
    fixture.awaitSettled(reply.body().getString("id"));
    assertEquals(new Counts(2, 0, 0), inventory.counts(scarce));
    assertEquals(new Counts(10, 0, 0), inventory.counts(plenty));
  }

  @Test
  void anUnknownSkuIsRejected() {
    OrderService orders = fixture.instance(QUICK);
    Reply reply = place(orders, users.addUser(), items("no-such-sku", 1));

    assertEquals("REJECTED", reply.body().getString("status"));
    assertTrue(reply.body().getString("reason").contains("no-such-sku"), reply.body().encode());
  }

  /** Gone (no instance), unavailable (its database down), or silent (a timeout): the order waits, then goes on. */
  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"GONE", "UNAVAILABLE", "REPLY_LOST"})
  void anOrderWaitsForAnUnreachableUsersServiceAndIsConfirmedWhenItAnswers(Mode failure) {
    OrderService orders = fixture.instance(QUICK);
    String sku = inventory.addProduct(10);
    String user = users.addUser();
    await(users.mode(failure));

    Reply reply = place(orders, user, items(sku, 1));
    assertEquals(202, reply.status(), reply.body().encode());
    assertEquals("PENDING", reply.body().getString("status"));
    assertEquals("users", reply.body().getString("waitingFor"));
    String id = reply.body().getString("id");
    Order waiting = fixture.order(id);
    assertEquals(SagaStep.CHECK_USER, waiting.step());
    assertEquals(0, inventory.calls("reserve", id), "no step runs before the one that waits");

    await(users.mode(Mode.UP));
    assertEquals(Status.CONFIRMED, fixture.awaitFinal(id).status());
    assertEquals(new Counts(9, 1, 0), inventory.counts(sku));
    fixture.awaitEvents(id, CONFIRMED_EVENTS);
  }

  /** A lost reply after a successful reserve included: the retry is answered by the same reservation. */
  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"GONE", "UNAVAILABLE", "REPLY_LOST"})
  void anOrderWaitsForAnUnreachableInventoryAndReservesExactlyOnce(Mode failure) {
    OrderService orders = fixture.instance(QUICK);
    String sku = inventory.addProduct(10);
    String user = users.addUser();
    await(inventory.mode(failure));

    Reply reply = place(orders, user, items(sku, 2));
    assertEquals(202, reply.status(), reply.body().encode());
    assertEquals("inventory", reply.body().getString("waitingFor"));
    String id = reply.body().getString("id");
    assertEquals(SagaStep.RESERVE_STOCK, fixture.order(id).step(), "the user check is not repeated");
    if (failure == Mode.REPLY_LOST) {
      assertEquals(new Counts(8, 2, 0), inventory.counts(sku), "reserved, but the saga never heard it");
    }

    await(inventory.mode(Mode.UP));
    assertEquals(Status.CONFIRMED, fixture.awaitFinal(id).status());
    assertEquals(new Counts(8, 2, 0), inventory.counts(sku));
    assertEquals(1, users.calls("get", user));
    fixture.awaitEvents(id, CONFIRMED_EVENTS);
  }

  @Test
  void anOrderThatWaitsPastItsGiveUpTimeIsCancelledAndWhatALostReplyReservedIsReleasedOnceInventoryIsBack() {
    OrderService orders = fixture.instance(new OrderSaga.Timing(2_000, 60_000, 1_500, new Backoff(20, 200)));
    String sku = inventory.addProduct(10);
    await(inventory.mode(Mode.REPLY_LOST));
    String id = place(orders, users.addUser(), items(sku, 1)).body().getString("id");
    Eventually.await(OrderFixture.BOUND, "the reserve landed unheard", () -> inventory.counts(sku),
        new Counts(9, 1, 0)::equals);
    await(inventory.mode(Mode.GONE));

    Order cancelled = fixture.awaitFinal(id);
    assertEquals(Status.CANCELLED, cancelled.status());
    assertTrue(cancelled.reason().startsWith("the inventory service is unavailable"), cancelled.reason());
    assertTrue(cancelled.reason().contains("gave up after 1500 ms"), cancelled.reason());
    assertEquals(Stock.ASKED, cancelled.stock(), "its release waits for inventory");
    assertEquals(new Counts(9, 1, 0), inventory.counts(sku));

    await(inventory.mode(Mode.UP));
    assertEquals(Stock.RELEASED, fixture.awaitSettled(id).stock());
    assertEquals(new Counts(10, 0, 0), inventory.counts(sku));
    fixture.awaitEvents(id, List.of("events.order.created", "events.order.cancelled"));
  }

  @Test
  void aCustomerCancelsAWaitingOrderAndAReserveThatLandsLaterIsRefused() {
    OrderService orders = fixture.instance(QUICK);
    String sku = inventory.addProduct(10);
    await(inventory.mode(Mode.GONE));
    String id = place(orders, users.addUser(), items(sku, 1)).body().getString("id");

    Reply cancelled = await(orders.handlers().cancelOrder(OrderFixture.asOperator(new JsonObject().put("id", id))));
    assertEquals(200, cancelled.status());
    assertEquals("CANCELLED", cancelled.body().getString("status"));
    assertEquals(OrderSaga.CANCELLED_BY_CUSTOMER, cancelled.body().getString("reason"));
    assertFalse(cancelled.body().containsKey("waitingFor"));

    await(inventory.mode(Mode.UP));
    Order settled = fixture.awaitSettled(id);
    assertEquals(Status.CANCELLED, settled.status(), "the cancel wins over the waiting saga");
    assertEquals(Stock.RELEASED, settled.stock());
    Throwable late = lateReserve(id, sku);
    assertEquals(409, ((ReplyException) late).failureCode(), "a reserve of the stale saga is refused");
    assertEquals(new Counts(10, 0, 0), inventory.counts(sku));
    fixture.awaitEvents(id, List.of("events.order.created", "events.order.cancelled"));
  }

  /**
   * Cancels sent while sagas run, each a little later than the one before, so that they land before the
   * user check, during the reserve, at the confirm and after it: every order ends CANCELLED exactly once
   * and holds no stock.
   */
  @Test
  void aCancelRacingTheSagaEndsCancelledOnceWithNoStockHeld() {
    OrderService orders = fixture.instance(QUICK);
    String sku = inventory.addProduct(100);
    String user = users.addUser();
    List<String> ids = new ArrayList<>();
    List<Future<?>> racing = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Order order = await(orders.store().create(OrderValidation.create(new JsonObject().put("userId", user)
          .put("items", items(sku, 1)).put("idempotencyKey", java.util.UUID.randomUUID().toString())),
          QUICK.leaseMs())).order();
      ids.add(order.id());
      racing.add(orders.saga().drive(order));
      racing.add(fixture.vertx.timer(1 + i * 3L).compose(t -> orders.saga().cancelByCustomer(order.id())));
    }
    await(Future.join(racing));

    for (String id : ids) {
      Order order = fixture.awaitSettled(id);
      assertEquals(Status.CANCELLED, order.status(), id);
      assertEquals(Stock.RELEASED, order.stock(), id);
      List<String> events = Eventually.await(OrderFixture.BOUND, "final event of " + id, () -> fixture.eventsOf(id),
          seen -> seen.contains("events.order.cancelled"));
      assertEquals(1, events.stream().filter("events.order.cancelled"::equals).count(), events.toString());
      assertFalse(events.contains("events.order.rejected"), events.toString());
    }
    assertEquals(new Counts(100, 0, 0), inventory.counts(sku));
  }

  @Test
  void aConfirmedOrderCanBeCancelledWithinItsWindowButNotAfterThenItIsSold() {
    OrderService orders = fixture.instance(QUICK);
    String sku = inventory.addProduct(5);
    String user = users.addUser();
    String first = place(orders, user, items(sku, 2)).body().getString("id");

    Reply cancelled = await(orders.handlers().cancelOrder(OrderFixture.asOperator(new JsonObject().put("id", first))));
    assertEquals("CANCELLED", cancelled.body().getString("status"));
    assertEquals(new Counts(5, 0, 0), inventory.counts(sku));
    assertEquals(200, await(orders.handlers().cancelOrder(OrderFixture.asOperator(new JsonObject().put("id", first)))).status(),
        "cancelling twice answers the cancelled order");

    String kept = place(orders, user, items(sku, 1)).body().getString("id");
    fixture.sql("UPDATE orders SET confirmed_at = now() - interval '2 minutes', next_attempt_at = now() WHERE id = $1",
        kept);
    Throwable tooLate = orders.handlers().cancelOrder(OrderFixture.asOperator(new JsonObject().put("id", kept)))
        .toCompletionStage().toCompletableFuture().handle((ok, failure) -> failure).join();
    assertEquals(409, MeshError.from(tooLate.getCause() == null ? tooLate : tooLate.getCause()).status());

    await(orders.recovery().sweep());
    assertEquals(Stock.COMMITTED, fixture.awaitSettled(kept).stock());
    assertEquals(new Counts(4, 0, 1), inventory.counts(sku));
  }

  @Test
  void whileItsBreakerIsOpenTheSweepLeavesOrdersWaitingForThatServiceAlone() {
    OrderService orders = fixture.instance(QUICK, 2, 60_000);
    String sku = inventory.addProduct(10);
    String user = users.addUser();
    await(inventory.mode(Mode.UNAVAILABLE));
    String first = place(orders, user, items(sku, 1)).body().getString("id");
    Eventually.await(OrderFixture.BOUND, "the breaker towards inventory opens",
        () -> orders.downstream().breakerOpen(InventoryContract.SERVICE));
    String second = place(orders, user, items(sku, 1)).body().getString("id");
    int callsWhenOpen = inventory.calls("reserve");
    assertEquals(0, inventory.calls("reserve", second), "refused by the open breaker without a call");

    fixture.sql("UPDATE orders SET next_attempt_at = now() - interval '1 second' WHERE id IN ($1, $2)", first, second);
    assertEquals(0, await(orders.recovery().sweep()), "due, but waiting for a service whose breaker is open");
    assertEquals(callsWhenOpen, inventory.calls("reserve"));
    assertEquals(Status.PENDING, fixture.order(first).status());

    // another instance, whose breaker is closed, takes them once inventory answers
    await(inventory.mode(Mode.UP));
    OrderService other = fixture.instance(QUICK);
    await(other.recovery().sweep());
    assertEquals(Status.CONFIRMED, fixture.awaitFinal(first).status());
    assertEquals(Status.CONFIRMED, fixture.awaitFinal(second).status());
    assertEquals(new Counts(8, 2, 0), inventory.counts(sku));
  }

  private static Throwable lateReserve(String orderId, String sku) {
    return fixture.vertx.eventBus().request(InventoryContract.ADDRESS,
            new JsonObject().put("orderId", orderId).put("items", items(sku, 1)),
            new DeliveryOptions().addHeader(MeshService.ACTION_HEADER, "reserve"))
        .toCompletionStage().toCompletableFuture().handle((ok, failure) -> failure).join();
  }
}
