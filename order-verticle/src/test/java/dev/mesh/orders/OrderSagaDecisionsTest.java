package dev.mesh.orders;

import static dev.mesh.orders.OrderFixture.await;
import static dev.mesh.orders.OrderFixture.items;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.MeshError;
import dev.mesh.common.Reply;
import dev.mesh.contracts.InventoryContract;
import dev.mesh.contracts.OrdersContract.Status;
import dev.mesh.contracts.UsersContract;
import dev.mesh.orders.OrderStates.Stock;
import dev.mesh.orders.ScriptedDownstream.Answer;
import dev.mesh.orders.ScriptedDownstream.Holding;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every decision of the order saga, with no database and no event bus: the order service as
 * {@link OrderService#wire} makes it, on a store in memory, services that answer from a script, and a
 * clock the test moves. Each test takes milliseconds; what PostgreSQL and the event bus add is proven by
 * OrderSagaTest, OrderRecoveryTest and TwoOrderInstancesTest.
 */
class OrderSagaDecisionsTest {

  private static final long LEASE_MS = 2_000;
  private static final long WINDOW_MS = 60_000;
  private static final long GIVE_UP_MS = 30_000;
  private static final Backoff BACKOFF = new Backoff(100, 1_000);
  /** Long enough for any one retry: the longest backoff, and the sweep's slack. */
  private static final long ONE_RETRY_MS = 1_100;
  /** Create answers 202 after this if the saga has not ended; a real timer, so it is kept to milliseconds. */
  private static final long REPLY_WITHIN_MS = 5;
  private static final List<String> CONFIRMED_EVENTS = List.of("events.order.created", "events.order.confirmed");

  private static Vertx vertx;
  private ManualClock clock;
  private InMemoryOrderStore store;
  private ScriptedDownstream downstream;
  private OrderService orders;
  /** Every saga that ended, as "STATUS reason-category". */
  private final List<String> outcomes = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    await(vertx.close());
  }

  @BeforeEach
  void wire() {
    orders = wired(WINDOW_MS);
  }

  @AfterEach
  void stopSweep() {
    orders.recovery().stop();
  }

  @Test
  void aKnownUserWithStockIsConfirmedAtOnceAndItsStockHeldForTheWindow() {
    Reply reply = place();

    assertEquals(201, reply.status(), reply.body().encode());
    Order order = order(reply);
    assertEquals(Status.CONFIRMED, order.status());
    assertEquals(Stock.RESERVED, order.stock());
    assertEquals(Holding.HELD, downstream.holding(SagaStep.RESERVE_STOCK, order.id()));
    assertEquals(0, downstream.calls(InventoryContract.Action.RELEASE));
    assertEquals(List.of("CONFIRMED ok"), outcomes);
    assertEquals(CONFIRMED_EVENTS, store.eventsOf(order.id()));
  }

  @Test
  void anUnknownUserIsRejectedWithItsReasonNoReserveIsSentAndALateOneIsBarred() {
    String user = UUID.randomUUID().toString();
    downstream.refuse(UsersContract.Action.GET, MeshError.notFound("user " + user + " not found"));
    Reply reply = place(user);

    assertEquals(201, reply.status());
    Order order = order(reply);
    assertEquals(Status.REJECTED, order.status());
    assertEquals("unknown user " + user, order.reason());
    assertEquals(0, downstream.calls(InventoryContract.Action.RESERVE), "no step runs after a refusal");
    assertEquals(1, downstream.calls(InventoryContract.Action.RELEASE, order.id()));
    assertEquals(Holding.VOID, downstream.holding(SagaStep.RESERVE_STOCK, order.id()), "released before any reserve");
    assertEquals(Stock.RELEASED, order.stock());
    assertEquals(List.of("REJECTED unknown_user"), outcomes);
    assertEquals(List.of("events.order.created", "events.order.rejected"), store.eventsOf(order.id()));
  }

  @Test
  void shortStockRejectsTheOrderInInventorysWordsAndReleases() {
    downstream.refuse(InventoryContract.Action.RESERVE, new MeshError(409, "insufficient_stock", "not enough stock for mug", null));
    Order order = order(place());

    assertEquals(Status.REJECTED, order.status());
    assertEquals("not enough stock for mug", order.reason());
    assertEquals(1, downstream.calls(InventoryContract.Action.RELEASE, order.id()));
    assertEquals(Stock.RELEASED, order.stock());
    assertEquals(List.of("REJECTED stock"), outcomes);
  }

  /** Whatever step refuses: REJECTED in that step's words and category, no later step, every compensation. */
  @ParameterizedTest
  @EnumSource(SagaStep.class)
  void aRefusalAtAnyStepRejectsTheOrderRunsNoLaterStepAndCompensatesEverything(SagaStep refusing) {
    MeshError refusal = MeshError.conflict("refused at " + refusing);
    downstream.refuse(refusing.action(), refusal);
    Order order = order(place());

    assertEquals(Status.REJECTED, order.status());
    assertEquals(refusing.refusal(order, refusal), order.reason());
    assertEquals(List.of("REJECTED " + refusing.refusalCategory()), outcomes);
    for (SagaStep later = refusing.next(); later != null; later = later.next()) {
      assertEquals(0, downstream.calls(later.action()), later + " runs after a refusal at " + refusing);
    }
    SagaStep.COMPENSATIONS.forEach(undo -> assertEquals(1, downstream.calls(undo, order.id()), undo.action()));
    assertEquals(Stock.RELEASED, order.stock());
  }

  /** How a service can fail to answer. */
  enum Unreachable { UNAVAILABLE, TIMEOUT, REPLY_LOST, BREAKER_OPEN }

  static Stream<Arguments> everyStepAndEveryWayItsServiceCanBeUnreachable() {
    return Arrays.stream(SagaStep.values())
        .flatMap(step -> Arrays.stream(Unreachable.values()).map(failure -> Arguments.of(step, failure)));
  }

  /**
   * Whatever step cannot be answered, and however: the order waits there (202, PENDING, waiting for that
   * service) and runs no later step; once the service is back, a retry takes it on from that step (earlier
   * steps are not repeated) to CONFIRMED, holding what it holds once.
   */
  @ParameterizedTest
  @MethodSource("everyStepAndEveryWayItsServiceCanBeUnreachable")
  void anOrderWaitsAtTheStepWhoseServiceIsUnreachableAndGoesOnWhenItIsBack(SagaStep step, Unreachable failure) {
    unreachable(step, failure);
    Reply reply = place();

    assertEquals(202, reply.status(), reply.body().encode());
    assertEquals(step.service(), reply.body().getString("waitingFor"));
    Order waiting = order(reply);
    assertEquals(Status.PENDING, waiting.status());
    assertEquals(step, waiting.step());
    assertEquals(1, waiting.attempts());
    for (SagaStep later = step.next(); later != null; later = later.next()) {
      assertEquals(0, downstream.calls(later.action()), later + " runs before " + step + " is answered");
    }

    reachable(step);
    later(ONE_RETRY_MS);
    Order confirmed = store.find(waiting.id()).result();
    assertEquals(Status.CONFIRMED, confirmed.status());
    for (SagaStep earlier : SagaStep.values()) {
      if (earlier.ordinal() < step.ordinal()) {
        assertEquals(1, downstream.calls(earlier.action()), earlier + " repeated");
      }
      if (earlier.compensation() != null) {
        assertEquals(1, downstream.holdingsMade(earlier), earlier + " held twice");
      }
    }
    assertEquals(List.of("CONFIRMED ok"), outcomes);
    assertEquals(CONFIRMED_EVENTS, store.eventsOf(waiting.id()));
  }

  @Test
  void whileTheUsersServiceStaysDownTheOrderIsRetriedWithAGrowingBackoffAndWaitsOn() {
    downstream.answer(UsersContract.Action.GET, Answer.UNAVAILABLE);
    Order waiting = order(place());

    later(10_000);
    Order still = store.find(waiting.id()).result();
    assertEquals(Status.PENDING, still.status());
    assertEquals(UsersContract.SERVICE, still.waitingFor());
    int calls = downstream.calls(UsersContract.Action.GET);
    assertEquals(calls, still.attempts(), "each retry is one call and one more attempt");
    // retrying every 100 ms would make 100 calls in 10 s; doubling to a 1 s cap makes at most about 20
    assertTrue(calls > 3 && calls < 30, "calls in 10 s of backoff: " + calls);
    assertEquals(0, downstream.calls(InventoryContract.Action.RESERVE));

    downstream.answer(UsersContract.Action.GET, Answer.OK);
    later(ONE_RETRY_MS);
    assertEquals(Status.CONFIRMED, store.find(waiting.id()).result().status());
  }

  @Test
  void anOrderWaitingPastItsGiveUpTimeIsCancelledAndWhatALostReplyReservedIsReleasedOnceInventoryIsBack() {
    downstream.answerNext(InventoryContract.Action.RESERVE, Answer.REPLY_LOST)
        .answer(InventoryContract.Action.RESERVE, Answer.UNAVAILABLE)
        .answer(InventoryContract.Action.RELEASE, Answer.UNAVAILABLE);
    Order waiting = order(place());
    assertEquals(Holding.HELD, downstream.holding(SagaStep.RESERVE_STOCK, waiting.id()), "reserved, unheard");

    later(GIVE_UP_MS + ONE_RETRY_MS);
    Order cancelled = store.find(waiting.id()).result();
    assertEquals(Status.CANCELLED, cancelled.status());
    assertTrue(cancelled.reason().startsWith("the inventory service is unavailable"), cancelled.reason());
    assertTrue(cancelled.reason().contains("gave up after " + GIVE_UP_MS + " ms"), cancelled.reason());
    assertEquals(Stock.ASKED, cancelled.stock(), "its release waits for inventory");
    assertEquals(List.of("CANCELLED inventory_unavailable"), outcomes);

    downstream.answer(InventoryContract.Action.RELEASE, Answer.OK);
    later(ONE_RETRY_MS);
    assertEquals(Stock.RELEASED, store.find(waiting.id()).result().stock());
    assertEquals(Holding.RELEASED, downstream.holding(SagaStep.RESERVE_STOCK, waiting.id()));
    assertEquals(List.of("events.order.created", "events.order.cancelled"), store.eventsOf(waiting.id()));
  }

  @Test
  void aReleaseThatFailsIsRetriedUntilItGoesThrough() {
    downstream.refuse(InventoryContract.Action.RESERVE, MeshError.notFound("no product with sku mug"))
        .answerNext(InventoryContract.Action.RELEASE, Answer.UNAVAILABLE, Answer.TIMEOUT, Answer.UNAVAILABLE);
    Order rejected = order(place());
    assertEquals(Status.REJECTED, rejected.status());
    assertEquals(Stock.ASKED, rejected.stock());
    assertEquals(InventoryContract.SERVICE, rejected.waitingFor());

    later(10 * ONE_RETRY_MS);
    Order settled = store.find(rejected.id()).result();
    assertEquals(Stock.RELEASED, settled.stock());
    assertEquals(Status.REJECTED, settled.status());
    assertNull(settled.waitingFor());
    assertEquals(4, downstream.calls(InventoryContract.Action.RELEASE, rejected.id()), "three failures, then through");
    assertEquals(List.of("REJECTED stock"), outcomes, "ended once, however often its release is retried");
  }

  @Test
  void aSagaThatDiedMidReserveIsResumedAfterItsLeaseAndReservesOnce() {
    downstream.answerNext(InventoryContract.Action.RESERVE, Answer.HANG); // reserved; its driver never hears
    Order order = created();
    orders.saga().drive(order);
    assertEquals(Holding.HELD, downstream.holding(SagaStep.RESERVE_STOCK, order.id()));

    await(orders.recovery().sweep());
    assertEquals(order.claim(), store.find(order.id()).result().claim(), "a live lease is left to its driver");

    later(LEASE_MS);
    assertEquals(Status.CONFIRMED, store.find(order.id()).result().status());
    assertEquals(2, downstream.calls(InventoryContract.Action.RESERVE, order.id()), "the reserve is sent again");
    assertEquals(1, downstream.holdingsMade(SagaStep.RESERVE_STOCK), "and holds the stock once");
  }

  @Test
  void aSagaThatDiedBeforeItsReleaseIsReleasedAfterItsLease() {
    downstream.refuse(InventoryContract.Action.RESERVE, MeshError.conflict("not enough stock for mug"))
        .answerNext(InventoryContract.Action.RELEASE, Answer.HANG);
    Order order = created();
    orders.saga().drive(order);
    assertEquals(Stock.ASKED, store.find(order.id()).result().stock());

    later(LEASE_MS);
    Order settled = store.find(order.id()).result();
    assertEquals(Status.REJECTED, settled.status());
    assertEquals(Stock.RELEASED, settled.stock());
    assertEquals(List.of("REJECTED stock"), outcomes);
  }

  @Test
  void aCustomerCancelsAConfirmedOrderWithinItsWindowAndItsStockIsReleased() {
    Order confirmed = order(place());

    Reply cancelled = await(orders.handlers().cancelOrder(OrderFixture.asOperator(new JsonObject().put("id", confirmed.id()))));
    assertEquals(200, cancelled.status());
    assertEquals(OrderSaga.CANCELLED_BY_CUSTOMER, cancelled.body().getString("reason"));
    Order order = store.find(confirmed.id()).result();
    assertEquals(Status.CANCELLED, order.status());
    assertEquals(Stock.RELEASED, order.stock());
    assertEquals(Holding.RELEASED, downstream.holding(SagaStep.RESERVE_STOCK, order.id()));
    assertEquals(List.of("CONFIRMED ok", "CANCELLED customer"), outcomes);
    assertEquals(List.of("events.order.created", "events.order.confirmed", "events.order.cancelled"),
        store.eventsOf(order.id()));
    assertEquals(200, await(orders.handlers().cancelOrder(OrderFixture.asOperator(new JsonObject().put("id", order.id())))).status(),
        "cancelling twice answers the cancelled order");
  }

  @Test
  void afterItsWindowAConfirmedOrderIsCommittedAndCanNoLongerBeCancelled() {
    Order confirmed = order(place());

    clock.advance(WINDOW_MS);
    assertEquals(409, refusal(orders.handlers().cancelOrder(OrderFixture.asOperator(new JsonObject().put("id", confirmed.id())))).status());
    await(orders.recovery().sweep());
    Order sold = store.find(confirmed.id()).result();
    assertEquals(Status.CONFIRMED, sold.status());
    assertEquals(Stock.COMMITTED, sold.stock());
    assertEquals(Holding.COMMITTED, downstream.holding(SagaStep.RESERVE_STOCK, sold.id()));
    assertEquals(0, downstream.calls(InventoryContract.Action.RELEASE));
  }

  @Test
  void aCommitThatFailsIsRetriedUntilItGoesThrough() {
    downstream.answerNext(InventoryContract.Action.COMMIT, Answer.UNAVAILABLE, Answer.TIMEOUT);
    Order confirmed = order(place());

    later(WINDOW_MS);
    assertEquals(Stock.COMMITTING, store.find(confirmed.id()).result().stock(), "no cancel any more; the commit waits");
    later(10 * ONE_RETRY_MS);
    assertEquals(Stock.COMMITTED, store.find(confirmed.id()).result().stock());
    assertEquals(3, downstream.calls(InventoryContract.Action.COMMIT, confirmed.id()));
  }

  @Test
  void withNoCancellationWindowAConfirmedOrderIsCommittedAtOnce() {
    orders.recovery().stop();
    orders = wired(0);
    Order order = order(place());

    assertEquals(Status.CONFIRMED, order.status());
    assertEquals(Stock.COMMITTED, order.stock());
    assertEquals(1, downstream.calls(InventoryContract.Action.COMMIT, order.id()));
  }

  @Test
  void aCustomerCancelsAWaitingOrderAndTheSagaThatLostItChangesNothing() {
    downstream.answer(InventoryContract.Action.RESERVE, Answer.UNAVAILABLE);
    Order order = created();

    Reply cancelled = await(orders.handlers().cancelOrder(OrderFixture.asOperator(new JsonObject().put("id", order.id()))));
    assertEquals("CANCELLED", cancelled.body().getString("status"));
    assertEquals(Stock.RELEASED, store.find(order.id()).result().stock());

    // the creator's saga, still holding its old claim, runs on once inventory is back
    downstream.answer(InventoryContract.Action.RESERVE, Answer.OK);
    Order after = await(orders.saga().drive(order));
    assertEquals(Status.CANCELLED, after.status(), "the cancel wins");
    assertEquals(OrderSaga.CANCELLED_BY_CUSTOMER, after.reason());
    assertEquals(0, downstream.holdingsMade(SagaStep.RESERVE_STOCK), "its late reserve is barred by the release");
    assertEquals(List.of("CANCELLED customer"), outcomes);
    assertEquals(List.of("events.order.created", "events.order.cancelled"), store.eventsOf(order.id()));
  }

  @Test
  void whileItsBreakerIsOpenAWaitingOrderIsLeftAloneAndTakenOnOnceItCloses() {
    downstream.openBreaker(InventoryContract.SERVICE);
    Order waiting = order(place());
    assertEquals(InventoryContract.SERVICE, waiting.waitingFor());

    later(5 * ONE_RETRY_MS);
    assertEquals(1, store.find(waiting.id()).result().attempts(), "due, but the sweep leaves it to the breaker");

    downstream.closeBreaker(InventoryContract.SERVICE);
    later(0);
    assertEquals(Status.CONFIRMED, store.find(waiting.id()).result().status());
    assertEquals(1, downstream.calls(InventoryContract.Action.RESERVE));
  }

  @Test
  void aRepeatedCreateAnswersTheFirstOrderAndStartsNothingAndADifferentOneUnderTheSameKeyIsRefused() {
    JsonObject request = OrderFixture.asOperator(new JsonObject().put("userId", UUID.randomUUID().toString())
        .put("items", items("mug", 1)).put("idempotencyKey", "key-1"));
    Reply first = await(orders.handlers().createOrder(request.copy()));
    Reply again = await(orders.handlers().createOrder(request.copy()));

    assertEquals(first.body().getString("id"), again.body().getString("id"));
    assertEquals(1, downstream.calls(UsersContract.Action.GET));
    assertEquals(422, refusal(orders.handlers().createOrder(request.copy().put("items", items("mug", 2)))).status());
  }

  private OrderService wired(long cancelWindowMs) {
    clock = new ManualClock();
    store = new InMemoryOrderStore(clock);
    downstream = new ScriptedDownstream();
    outcomes.clear();
    OrderSaga.Timing timing = new OrderSaga.Timing(LEASE_MS, cancelWindowMs, GIVE_UP_MS, BACKOFF);
    return OrderService.wire(vertx, store, downstream, timing, REPLY_WITHIN_MS, clock,
        (order, reason) -> outcomes.add(order.status() + " " + reason));
  }

  /** Time passes: the retries due meanwhile run, and so does the periodic sweep at its end. */
  private void later(long ms) {
    clock.advance(ms);
    await(orders.recovery().sweep());
  }

  private void unreachable(SagaStep step, Unreachable failure) {
    switch (failure) {
      case UNAVAILABLE -> downstream.answer(step.action(), Answer.UNAVAILABLE);
      case TIMEOUT -> downstream.answer(step.action(), Answer.TIMEOUT);
      case REPLY_LOST -> downstream.answerNext(step.action(), Answer.REPLY_LOST).answer(step.action(), Answer.UNAVAILABLE);
      case BREAKER_OPEN -> downstream.openBreaker(step.service());
    }
  }

  private void reachable(SagaStep step) {
    downstream.answer(step.action(), Answer.OK);
    downstream.closeBreaker(step.service());
  }

  private Reply place() {
    return place(UUID.randomUUID().toString());
  }

  private Reply place(String userId) {
    return await(orders.handlers().createOrder(OrderFixture.asOperator(new JsonObject().put("userId", userId)
        .put("items", items("mug", 1)).put("idempotencyKey", UUID.randomUUID().toString()))));
  }

  /** An order as its creator records it, claimed for the lease, its saga not yet started. */
  private Order created() {
    return await(store.create(OrderValidation.create(new JsonObject().put("userId", UUID.randomUUID().toString())
        .put("items", items("mug", 1)).put("idempotencyKey", UUID.randomUUID().toString())), LEASE_MS)).order();
  }

  private Order order(Reply reply) {
    return store.find(reply.body().getString("id")).result();
  }

  private static MeshError refusal(Future<?> call) {
    Throwable failure = call.toCompletionStage().toCompletableFuture().handle((ok, error) -> error).join();
    assertFalse(failure == null, "expected a refusal");
    return MeshError.from(failure.getCause() == null ? failure : failure.getCause());
  }
}
