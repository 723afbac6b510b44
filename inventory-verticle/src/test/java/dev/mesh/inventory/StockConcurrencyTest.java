package dev.mesh.inventory;

import static dev.mesh.inventory.InventoryBus.assertCounts;
import static dev.mesh.inventory.InventoryBus.createProduct;
import static dev.mesh.inventory.InventoryBus.getProduct;
import static dev.mesh.inventory.InventoryBus.order;
import static dev.mesh.inventory.InventoryBus.outcome;
import static dev.mesh.inventory.InventoryBus.reserve;
import static dev.mesh.inventory.InventoryBus.uniqueOrder;
import static dev.mesh.inventory.InventoryBus.uniqueSku;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.contracts.InventoryContract.Action;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Stock is never oversold and never negative, however many requests race for it. */
@ExtendWith(VertxExtension.class)
// each test (or its setup) starts an embedded PostgreSQL: on a loaded machine that can pass the
// extension's default 30 s
@Timeout(value = 2, timeUnit = TimeUnit.MINUTES)
class StockConcurrencyTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void deploy(Vertx vertx, VertxTestContext ctx) {
    InventoryBus.deploy(vertx, dataDir).onComplete(ctx.succeedingThenComplete());
  }

  private static long count(List<JsonObject> outcomes, Integer failed) {
    return outcomes.stream().filter(o -> java.util.Objects.equals(failed, o.getInteger("failed"))).count();
  }

  @Test
  void twoHundredConcurrentReservesOfTenUnitsLetExactlyTenThrough(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    createProduct(vertx, sku, 10)
        .compose(v -> Future.all(IntStream.range(0, 200)
            .mapToObj(i -> outcome(vertx, Action.RESERVE, reserve(uniqueOrder(), sku, 1)))
            .toList()))
        .compose(all -> getProduct(vertx, sku).map(product -> List.of(new JsonObject().put("outcomes", all.list()), product)))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          List<JsonObject> outcomes = result.get(0).getJsonArray("outcomes").stream().map(o -> (JsonObject) o).toList();
          assertEquals(10, count(outcomes, null), "reserved");
          assertEquals(190, count(outcomes, 409), "refused as short");
          outcomes.stream().filter(o -> o.containsKey("failed"))
              .forEach(o -> assertEquals("insufficient_stock", o.getJsonObject("error").getString("error")));
          assertCounts(result.get(1), 0, 10, 0);
          ctx.completeNow();
        })));
  }

  @Test
  void concurrentRepeatsOfOneReserveHoldStockOnce(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    String orderId = uniqueOrder();
    createProduct(vertx, sku, 50)
        .compose(v -> Future.all(IntStream.range(0, 30)
            .mapToObj(i -> outcome(vertx, Action.RESERVE, reserve(orderId, sku, 3)))
            .toList()))
        .compose(all -> getProduct(vertx, sku).map(product -> List.of(new JsonObject().put("outcomes", all.list()), product)))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          List<Object> outcomes = result.get(0).getJsonArray("outcomes").getList();
          assertEquals(1, outcomes.stream().distinct().count(), "every repeat answers the same: " + outcomes.get(0));
          assertEquals("RESERVED", result.get(0).getJsonArray("outcomes").getJsonObject(0).getString("status"));
          assertCounts(result.get(1), 47, 3, 0);
          ctx.completeNow();
        })));
  }

  @Test
  void concurrentReleasesAndCommitsOfOneOrderSettleItOnce(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    String orderId = uniqueOrder();
    createProduct(vertx, sku, 10)
        .compose(v -> outcome(vertx, Action.RESERVE, reserve(orderId, sku, 4)))
        .compose(v -> Future.all(IntStream.range(0, 40)
            .mapToObj(i -> outcome(vertx, i % 2 == 0 ? Action.RELEASE : Action.COMMIT, order(orderId)))
            .toList()))
        .compose(all -> getProduct(vertx, sku).map(product -> List.of(new JsonObject().put("outcomes", all.list()), product)))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          List<JsonObject> outcomes = result.get(0).getJsonArray("outcomes").stream().map(o -> (JsonObject) o).toList();
          List<String> settled = outcomes.stream().filter(o -> !o.containsKey("failed"))
              .map(o -> o.getString("status")).distinct().toList();
          assertEquals(1, settled.size(), "one end wins: " + settled);
          assertEquals(20, count(outcomes, 409), "the other end is refused every time");
          JsonObject product = result.get(1);
          if (settled.get(0).equals("RELEASED")) {
            assertCounts(product, 10, 0, 0);
          } else {
            assertCounts(product, 6, 0, 4);
          }
          ctx.completeNow();
        })));
  }

  @Test
  void manyOrdersRacingOverSeveralProductsNeverOversellOrDeadlock(Vertx vertx, VertxTestContext ctx) {
    String a = uniqueSku();
    String b = uniqueSku();
    String c = uniqueSku();
    createProduct(vertx, a, 30).compose(v -> createProduct(vertx, b, 30)).compose(v -> createProduct(vertx, c, 30))
        .compose(v -> Future.all(IntStream.range(0, 60).mapToObj(i -> {
          // items in different orders per request: the service must still lock in one order
          JsonObject request = switch (i % 3) {
            case 0 -> reserve(uniqueOrder(), a, 1, b, 1, c, 1);
            case 1 -> reserve(uniqueOrder(), c, 1, a, 1);
            default -> reserve(uniqueOrder(), b, 2, a, 1);
          };
          return outcome(vertx, Action.RESERVE, request).compose(r -> r.containsKey("failed") || i % 4 != 0
              ? Future.succeededFuture(r) : outcome(vertx, i % 8 == 0 ? Action.RELEASE : Action.COMMIT, order(r.getString("orderId"))));
        }).toList()))
        .compose(all -> {
          ctx.verify(() -> all.<JsonObject>list().forEach(o -> assertTrue(
              !o.containsKey("failed") || o.getInteger("failed") == 409, "only answers or 409s: " + o.encode())));
          return Future.all(getProduct(vertx, a), getProduct(vertx, b), getProduct(vertx, c));
        })
        .onComplete(ctx.succeeding(products -> ctx.verify(() -> {
          for (int i = 0; i < 3; i++) {
            JsonObject product = products.resultAt(i);
            assertCounts(product, product.getLong("available"), product.getLong("reserved"), product.getLong("sold"));
            assertEquals(30, product.getLong("stocked"));
          }
          ctx.completeNow();
        })));
  }
}
