package dev.mesh.orders;

import static dev.mesh.orders.OrderFixture.await;
import static dev.mesh.orders.OrderFixture.items;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Bus;
import dev.mesh.contracts.OrdersContract;
import dev.mesh.db.Database;
import dev.mesh.common.testing.Eventually;
import dev.mesh.contracts.OrdersContract.Status;
import dev.mesh.orders.OrderStates.Stock;
import dev.mesh.orders.StandInInventory.Counts;
import dev.mesh.orders.StandInService.Mode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two OrderVerticle instances on one PostgreSQL, their sweeps and relays racing every 50 ms: each order
 * is driven by one of them at a time (every call of its saga reaches users and inventory exactly once),
 * and each event is published exactly once.
 */
class TwoOrderInstancesTest {

  private static final int ORDERS = 60;

  @TempDir
  static Path dataDir;
  static EmbeddedPostgres postgres;
  static Vertx vertx;
  static Pool pool;
  static StandInUsers users;
  static StandInInventory inventory;
  static final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("pg")).setCleanDataDirectory(true)
        .setServerConfig("listen_addresses", "127.0.0.1").start();
    vertx = Vertx.vertx();
    users = new StandInUsers(vertx);
    inventory = new StandInInventory(vertx);
    await(users.start());
    await(inventory.start());
    for (Status status : Status.values()) {
      await(vertx.eventBus().<JsonObject>consumer(status.event().address(), m -> events.add(m.body())).completion());
    }
    JsonObject settings = new JsonObject()
        .put(Database.uriSetting("orders"), "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres")
        .put(OrderVerticle.SWEEP_INTERVAL_MS, 50)
        .put(OrderVerticle.CALL_TIMEOUT_MS, 500)
        .put(OrderVerticle.REPLY_WITHIN_MS, 300)
        .put(OrderVerticle.RETRY_MIN_MS, 20)
        .put(OrderVerticle.RETRY_MAX_MS, 100)
        .put(OrderVerticle.BREAKER_RESET_MS, 100);
    for (int i = 0; i < 2; i++) {
      await(vertx.deployVerticle(new OrderVerticle(), new DeploymentOptions().setConfig(settings)));
    }
    pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(postgres.getPort())
        .setDatabase("postgres").setUser("postgres").setPassword("postgres")).using(vertx).build();
  }

  @AfterAll
  static void stop() throws Exception {
    await(pool.close());
    await(vertx.close());
    postgres.close();
  }

  @Test
  void ordersWaitingOnInventoryAreDrivenByOneInstanceAtATimeAndAnnouncedOnce() {
    String sku = inventory.addProduct(1_000);
    await(inventory.mode(Mode.GONE));
    Map<String, String> userOf = new ConcurrentHashMap<>();
    List<Future<Message<JsonObject>>> placed = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      String user = users.addUser();
      placed.add(Bus.call(vertx, OrdersContract.Action.CREATE, new JsonObject().put("userId", user)
              .put("items", items(sku, 1)).put("idempotencyKey", UUID.randomUUID().toString()))
          .onSuccess(reply -> userOf.put(reply.body().getString("id"), user)));
    }
    await(Future.all(placed));
    Set<String> ids = Set.copyOf(userOf.keySet());
    assertEquals(ORDERS, ids.size());
    Eventually.await(OrderFixture.BOUND, "every order waits for inventory", () -> count(
        "SELECT count(*) FROM orders WHERE id = ANY($1) AND waiting_for = 'inventory' AND step = 'RESERVE_STOCK'", ids),
        n -> n == ORDERS);

    await(inventory.mode(Mode.UP)); // both sweeps now race for the same due orders
    Eventually.await(OrderFixture.BOUND, "every order confirmed", () -> count(
        "SELECT count(*) FROM orders WHERE id = ANY($1) AND status = 'CONFIRMED'", ids), n -> n == ORDERS);
    for (String id : ids) {
      assertEquals(1, inventory.calls("reserve", id), "one reserve per order: one driver at a time");
      assertEquals(1, users.calls("get", userOf.get(id)), "one user check per order");
    }
    assertEquals(new Counts(1_000 - ORDERS, ORDERS, 0), inventory.counts(sku));

    // the windows pass at once: both sweeps race to commit the same orders
    await(pool.preparedQuery("UPDATE orders SET confirmed_at = now() - interval '2 minutes', next_attempt_at = now()"
        + " WHERE id = ANY($1)").execute(Tuple.of((Object) ids.toArray(String[]::new))));
    Eventually.await(OrderFixture.BOUND, "every order's stock sold", () -> count(
        "SELECT count(*) FROM orders WHERE id = ANY($1) AND stock_state = '" + Stock.COMMITTED + "'", ids),
        n -> n == ORDERS);
    for (String id : ids) {
      assertEquals(1, inventory.calls("commit", id), "one commit per order");
    }
    assertEquals(new Counts(1_000 - ORDERS, 0, ORDERS), inventory.counts(sku));

    Eventually.await(OrderFixture.BOUND, "created and confirmed events of every order",
        () -> events.stream().filter(e -> ids.contains(e.getString("orderId"))).count(), n -> n >= 2 * ORDERS);
    Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    Map<String, List<String>> perOrder = new ConcurrentHashMap<>();
    events.stream().filter(e -> ids.contains(e.getString("orderId"))).forEach(e -> {
      deliveries.computeIfAbsent(e.getString("eventId"), k -> new AtomicInteger()).incrementAndGet();
      perOrder.computeIfAbsent(e.getString("orderId"), k -> new CopyOnWriteArrayList<>()).add(e.getString("status"));
    });
    assertTrue(deliveries.values().stream().allMatch(n -> n.get() == 1), "no event relayed twice: " + deliveries);
    perOrder.forEach((id, states) -> assertEquals(List.of("PENDING", "CONFIRMED"), states, id));
  }

  private static long count(String sql, Set<String> ids) {
    return await(pool.preparedQuery(sql).execute(Tuple.of((Object) ids.toArray(String[]::new))))
        .iterator().next().getLong(0);
  }
}
