package dev.mesh.inventory;

import static dev.mesh.inventory.InventoryBus.assertCounts;
import static dev.mesh.inventory.InventoryBus.call;
import static dev.mesh.inventory.InventoryBus.createProduct;
import static dev.mesh.inventory.InventoryBus.getProduct;
import static dev.mesh.inventory.InventoryBus.order;
import static dev.mesh.inventory.InventoryBus.outcome;
import static dev.mesh.inventory.InventoryBus.reserve;
import static dev.mesh.inventory.InventoryBus.uniqueOrder;
import static dev.mesh.inventory.InventoryBus.uniqueSku;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.contracts.InventoryContract.Action;
import dev.mesh.contracts.InventoryContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** reserve, release and commit: all-or-nothing, idempotent by orderId, and their 404s and 409s. */
@ExtendWith(VertxExtension.class)
// each test (or its setup) starts an embedded PostgreSQL: on a loaded machine that can pass the
// extension's default 30 s
@Timeout(value = 2, timeUnit = TimeUnit.MINUTES)
class ReservationTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void deploy(Vertx vertx, VertxTestContext ctx) {
    InventoryBus.deploy(vertx, dataDir).onComplete(ctx.succeedingThenComplete());
  }

  /** The answer to expect: the request's items, listed in sku order, with the status. */
  private static JsonObject expectedReservation(String orderId, String status, Object... skuAndQuantity) {
    java.util.TreeMap<String, Object> bySku = new java.util.TreeMap<>();
    for (int i = 0; i < skuAndQuantity.length; i += 2) {
      bySku.put((String) skuAndQuantity[i], skuAndQuantity[i + 1]);
    }
    JsonArray items = new JsonArray();
    bySku.forEach((sku, quantity) -> items.add(new JsonObject().put("sku", sku).put("quantity", quantity)));
    return new JsonObject().put("orderId", orderId).put("status", status).put("items", items);
  }

  @Test
  void reserveHoldsEveryItemAndPublishesTheNewCounts(Vertx vertx, VertxTestContext ctx) {
    String a = uniqueSku();
    String b = uniqueSku();
    String orderId = uniqueOrder();
    List<JsonObject> events = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(InventoryContract.Event.CHANGED.address(), msg -> events.add(msg.body()));
    createProduct(vertx, a, 10).compose(v -> createProduct(vertx, b, 3))
        .compose(v -> call(vertx, Action.RESERVE, reserve(orderId, a, 4, b, 3)))
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals(200, InventoryBus.status(reply));
            assertEquals(expectedReservation(orderId, "RESERVED", a, 4, b, 3), reply.body());
          });
          return Future.all(getProduct(vertx, a), getProduct(vertx, b));
        })
        .compose(products -> vertx.timer(200).map(products))
        .onComplete(ctx.succeeding(products -> ctx.verify(() -> {
          assertCounts(products.resultAt(0), 6, 4, 0);
          assertCounts(products.resultAt(1), 0, 3, 0);
          JsonObject event = events.stream()
              .filter(e -> a.equals(e.getString("sku")) && "RESERVED".equals(e.getString("reason")))
              .findFirst().orElseThrow();
          assertEquals(6, event.getLong("available"));
          assertEquals(4, event.getLong("reserved"));
          assertEquals(orderId, event.getString("orderId"));
          ctx.completeNow();
        })));
  }

  @Test
  void shortStockAnswers409NamingEveryShortSkuAndReservesNothing(Vertx vertx, VertxTestContext ctx) {
    String plenty = uniqueSku();
    String few = uniqueSku();
    String none = uniqueSku();
    createProduct(vertx, plenty, 100).compose(v -> createProduct(vertx, few, 2))
        .compose(v -> createProduct(vertx, none, 0))
        .compose(v -> outcome(vertx, Action.RESERVE, reserve(uniqueOrder(), plenty, 5, few, 3, none, 1)))
        .compose(result -> {
          ctx.verify(() -> {
            assertEquals(409, result.getInteger("failed"));
            JsonObject error = result.getJsonObject("error");
            assertEquals("insufficient_stock", error.getString("error"));
            String shortList = error.getJsonObject("fields").getString("items");
            assertTrue(shortList.contains(few) && shortList.contains(none), shortList);
            assertTrue(!shortList.contains(plenty), shortList);
          });
          return Future.all(getProduct(vertx, plenty), getProduct(vertx, few), getProduct(vertx, none));
        })
        .onComplete(ctx.succeeding(products -> ctx.verify(() -> {
          assertCounts(products.resultAt(0), 100, 0, 0);
          assertCounts(products.resultAt(1), 2, 0, 0);
          assertCounts(products.resultAt(2), 0, 0, 0);
          ctx.completeNow();
        })));
  }

  @Test
  void anUnknownSkuAnswers404NamingItAndReservesNothing(Vertx vertx, VertxTestContext ctx) {
    String known = uniqueSku();
    String unknown = uniqueSku();
    String orderId = uniqueOrder();
    createProduct(vertx, known, 5)
        .compose(v -> outcome(vertx, Action.RESERVE, reserve(orderId, known, 1, unknown, 1)))
        .compose(result -> {
          ctx.verify(() -> {
            assertEquals(404, result.getInteger("failed"));
            assertTrue(result.getJsonObject("error").getJsonObject("fields").getString("items").contains(unknown));
          });
          // nothing was recorded either: the same order may reserve what exists
          return call(vertx, Action.RESERVE, reserve(orderId, known, 1)).compose(r -> getProduct(vertx, known));
        })
        .onComplete(ctx.succeeding(product -> ctx.verify(() -> {
          assertCounts(product, 4, 1, 0);
          ctx.completeNow();
        })));
  }

  @Test
  void aRepeatedReserveAnswersTheSameAndChangesNothing(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    String orderId = uniqueOrder();
    JsonObject request = reserve(orderId, sku, 2);
    createProduct(vertx, sku, 5)
        .compose(v -> call(vertx, Action.RESERVE, request))
        .compose(first -> call(vertx, Action.RESERVE, request).compose(second -> call(vertx, Action.RESERVE, request))
            .map(third -> List.of(first.body(), third.body())))
        .compose(answers -> getProduct(vertx, sku).map(product -> List.of(answers.get(0), answers.get(1), product)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(all.get(0), all.get(1));
          assertCounts(all.get(2), 3, 2, 0);
          ctx.completeNow();
        })));
  }

  @Test
  void aReserveOfAKnownOrderWithOtherItemsAnswers409(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    String orderId = uniqueOrder();
    createProduct(vertx, sku, 5)
        .compose(v -> call(vertx, Action.RESERVE, reserve(orderId, sku, 2)))
        .compose(v -> outcome(vertx, Action.RESERVE, reserve(orderId, sku, 3)))
        .compose(result -> getProduct(vertx, sku).map(product -> List.of(result, product)))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          assertEquals(409, both.get(0).getInteger("failed"));
          assertCounts(both.get(1), 3, 2, 0);
          ctx.completeNow();
        })));
  }

  @Test
  void releaseGivesBackWhatTheOrderReservedOnce(Vertx vertx, VertxTestContext ctx) {
    String a = uniqueSku();
    String b = uniqueSku();
    String orderId = uniqueOrder();
    createProduct(vertx, a, 5).compose(v -> createProduct(vertx, b, 5))
        .compose(v -> call(vertx, Action.RESERVE, reserve(orderId, a, 2, b, 5)))
        .compose(v -> call(vertx, Action.RELEASE, order(orderId)))
        .compose(first -> call(vertx, Action.RELEASE, order(orderId)).map(second -> List.of(first.body(), second.body())))
        .compose(answers -> Future.all(getProduct(vertx, a), getProduct(vertx, b)).map(products -> {
          ctx.verify(() -> {
            assertEquals(expectedReservation(orderId, "RELEASED", a, 2, b, 5), answers.get(0));
            assertEquals(answers.get(0), answers.get(1));
            assertCounts(products.resultAt(0), 5, 0, 0);
            assertCounts(products.resultAt(1), 5, 0, 0);
          });
          return answers;
        }))
        .compose(v -> outcome(vertx, Action.RESERVE, reserve(orderId, a, 2, b, 5)))
        .compose(reserveAgain -> outcome(vertx, Action.COMMIT, order(orderId)).map(commit -> List.of(reserveAgain, commit)))
        .onComplete(ctx.succeeding(late -> ctx.verify(() -> {
          assertEquals(409, late.get(0).getInteger("failed"), "reserve after release");
          assertEquals(409, late.get(1).getInteger("failed"), "commit after release");
          ctx.completeNow();
        })));
  }

  @Test
  void releaseOfAnUnknownOrderIsANoOpThatSaysSoAndBlocksALateReserve(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    String orderId = uniqueOrder();
    createProduct(vertx, sku, 5)
        .compose(v -> call(vertx, Action.RELEASE, order(orderId)))
        .compose(first -> call(vertx, Action.RELEASE, order(orderId)).map(second -> List.of(first.body(), second.body())))
        .compose(answers -> outcome(vertx, Action.RESERVE, reserve(orderId, sku, 1))
            .compose(late -> getProduct(vertx, sku).map(product -> List.of(answers.get(0), answers.get(1), late, product))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals("UNKNOWN", all.get(0).getString("status"));
          assertEquals(new JsonArray(), all.get(0).getJsonArray("items"));
          assertTrue(all.get(0).getString("message").contains("nothing"));
          assertEquals(all.get(0), all.get(1));
          assertEquals(409, all.get(2).getInteger("failed"), "a late reserve of a released order");
          assertCounts(all.get(3), 5, 0, 0);
          ctx.completeNow();
        })));
  }

  @Test
  void commitTurnsTheReservationIntoSoldStockOnce(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    String orderId = uniqueOrder();
    createProduct(vertx, sku, 5)
        .compose(v -> call(vertx, Action.RESERVE, reserve(orderId, sku, 3)))
        .compose(v -> call(vertx, Action.COMMIT, order(orderId)))
        .compose(first -> call(vertx, Action.COMMIT, order(orderId)).map(second -> List.of(first.body(), second.body())))
        .compose(answers -> outcome(vertx, Action.RELEASE, order(orderId))
            .compose(release -> outcome(vertx, Action.RESERVE, reserve(orderId, sku, 3))
                .map(reserveAgain -> List.of(answers.get(0), answers.get(1), release, reserveAgain))))
        .compose(answers -> getProduct(vertx, sku).map(product -> {
          List<JsonObject> all = new ArrayList<>(answers);
          all.add(product);
          return all;
        }))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(expectedReservation(orderId, "COMMITTED", sku, 3), all.get(0));
          assertEquals(all.get(0), all.get(1));
          assertEquals(409, all.get(2).getInteger("failed"), "release after commit");
          assertEquals(all.get(0), all.get(3), "a repeated reserve of a committed order answers its state");
          assertCounts(all.get(4), 2, 0, 3);
          ctx.completeNow();
        })));
  }

  @Test
  void commitOfAnUnknownOrderAnswers404(Vertx vertx, VertxTestContext ctx) {
    outcome(vertx, Action.COMMIT, order(uniqueOrder())).onComplete(ctx.succeeding(result -> ctx.verify(() -> {
      assertEquals(404, result.getInteger("failed"));
      assertNotEquals(null, result.getJsonObject("error").getString("message"));
      ctx.completeNow();
    })));
  }
}
