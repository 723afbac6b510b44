package dev.mesh.inventory;

import static dev.mesh.inventory.InventoryBus.assertCounts;
import static dev.mesh.inventory.InventoryBus.call;
import static dev.mesh.inventory.InventoryBus.createProduct;
import static dev.mesh.inventory.InventoryBus.error;
import static dev.mesh.inventory.InventoryBus.getProduct;
import static dev.mesh.inventory.InventoryBus.product;
import static dev.mesh.inventory.InventoryBus.status;
import static dev.mesh.inventory.InventoryBus.uniqueSku;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The catalogue actions of {@code mesh.inventory}: create, get, list, restock, update. */
@ExtendWith(VertxExtension.class)
// each test (or its setup) starts an embedded PostgreSQL: on a loaded machine that can pass the
// extension's default 30 s
@Timeout(value = 2, timeUnit = TimeUnit.MINUTES)
class ProductActionsTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void deploy(Vertx vertx, VertxTestContext ctx) {
    InventoryBus.deploy(vertx, dataDir).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void createAnswers201WithTheProductAndItsCounts(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    call(vertx, Action.CREATE, new JsonObject().put("sku", sku).put("name", "  Blue Mug ").put("priceCents", 1250)
        .put("available", 7)).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(201, status(reply));
          JsonObject product = reply.body();
          assertEquals(sku, product.getString("sku"));
          assertEquals("Blue Mug", product.getString("name"));
          assertEquals(1250, product.getLong("priceCents"));
          assertCounts(product, 7, 0, 0);
          assertNotNull(product.getString("createdAt"));
          ctx.completeNow();
        })));
  }

  @Test
  void availableDefaultsToZero(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    call(vertx, Action.CREATE, new JsonObject().put("sku", sku).put("name", "Free Sticker").put("priceCents", 0))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertCounts(reply.body(), 0, 0, 0);
          assertEquals(0, reply.body().getLong("priceCents"));
          ctx.completeNow();
        })));
  }

  @Test
  void aSecondCreateOfOneSkuAnswers409(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    createProduct(vertx, sku, 1).compose(v -> call(vertx, Action.CREATE, product(sku, 5, 5)))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(409, status(failure));
          assertTrue(error(failure).getJsonObject("fields").containsKey("sku"));
          ctx.completeNow();
        })));
  }

  @Test
  void getFindsAProductAnd404sAnUnknownSku(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    createProduct(vertx, sku, 3)
        .compose(created -> getProduct(vertx, sku).map(found -> {
          ctx.verify(() -> assertEquals(created, found));
          return found;
        }))
        .compose(v -> call(vertx, Action.GET, new JsonObject().put("sku", uniqueSku())))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(404, status(failure));
          assertEquals("not_found", error(failure).getString("error"));
          ctx.completeNow();
        })));
  }

  @Test
  void skusAreCaseSensitive(Vertx vertx, VertxTestContext ctx) {
    String sku = "case-" + UUID.randomUUID().toString().substring(0, 8);
    createProduct(vertx, sku, 1)
        .compose(v -> createProduct(vertx, sku.toUpperCase(), 2))
        .onComplete(ctx.succeeding(upper -> ctx.verify(() -> {
          assertEquals(sku.toUpperCase(), upper.getString("sku"));
          ctx.completeNow();
        })));
  }

  @Test
  void restockAddsToAvailableAndToTheStockedTotal(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    List<JsonObject> events = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(InventoryContract.Event.CHANGED.address(), msg -> events.add(msg.body()));
    createProduct(vertx, sku, 2)
        .compose(v -> call(vertx, Action.RESTOCK, new JsonObject().put("sku", sku).put("quantity", 5)))
        .compose(reply -> vertx.timer(200).map(reply))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(200, status(reply));
          assertCounts(reply.body(), 7, 0, 0);
          assertEquals(7, reply.body().getLong("stocked"));
          JsonObject event = events.stream()
              .filter(e -> sku.equals(e.getString("sku")) && "RESTOCKED".equals(e.getString("reason")))
              .findFirst().orElseThrow();
          assertNotNull(UUID.fromString(event.getString("eventId")));
          assertEquals(7, event.getLong("available"));
          assertEquals(0, event.getLong("reserved"));
          ctx.completeNow();
        })));
  }

  @Test
  void concurrentRestocksAllAddUp(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    createProduct(vertx, sku, 0)
        .compose(v -> Future.all(IntStream.range(0, 50)
            .mapToObj(i -> call(vertx, Action.RESTOCK, new JsonObject().put("sku", sku).put("quantity", 2)))
            .toList()))
        .compose(v -> getProduct(vertx, sku))
        .onComplete(ctx.succeeding(product -> ctx.verify(() -> {
          assertCounts(product, 100, 0, 0);
          ctx.completeNow();
        })));
  }

  @Test
  void restockOfAnUnknownSkuAnswers404(Vertx vertx, VertxTestContext ctx) {
    call(vertx, Action.RESTOCK, new JsonObject().put("sku", uniqueSku()).put("quantity", 1))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(404, status(failure));
          ctx.completeNow();
        })));
  }

  @Test
  void updateAdjustsThePriceAndKeepsTheStock(Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    createProduct(vertx, sku, 4)
        .compose(v -> call(vertx, Action.UPDATE, new JsonObject().put("sku", sku).put("priceCents", 2500)))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(2500, reply.body().getLong("priceCents"));
          assertEquals("Product " + sku, reply.body().getString("name"));
          assertCounts(reply.body(), 4, 0, 0);
          ctx.completeNow();
        })));
  }

  @Test
  void updateOfAnUnknownSkuAnswers404(Vertx vertx, VertxTestContext ctx) {
    call(vertx, Action.UPDATE, new JsonObject().put("sku", uniqueSku()).put("priceCents", 1))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(404, status(failure));
          ctx.completeNow();
        })));
  }

  @Test
  void listPagesByCursorInSkuOrder(Vertx vertx, VertxTestContext ctx) {
    String prefix = "LIST-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    List<String> created = IntStream.range(0, 5).mapToObj(i -> prefix + i).toList();
    Future<Void> chain = Future.succeededFuture();
    for (String sku : created) {
      chain = chain.compose(v -> createProduct(vertx, sku, 1).mapEmpty());
    }
    List<String> seen = new ArrayList<>();
    chain.compose(v -> readAllPages(vertx, null, seen)).onComplete(ctx.succeeding(pages -> ctx.verify(() -> {
      assertEquals(seen.size(), seen.stream().distinct().count(), "no product appears twice");
      assertEquals(seen.stream().sorted().toList(), seen, "sku order");
      assertEquals(created, seen.stream().filter(s -> s.startsWith(prefix)).toList());
      assertTrue(pages > 1);
      ctx.completeNow();
    })));
  }

  private Future<Integer> readAllPages(Vertx vertx, String after, List<String> seen) {
    JsonObject query = new JsonObject().put("limit", "3");
    if (after != null) {
      query.put("after", after);
    }
    return call(vertx, Action.LIST, query).compose(reply -> {
      JsonArray items = reply.body().getJsonArray("items");
      items.forEach(item -> seen.add(((JsonObject) item).getString("sku")));
      String next = reply.body().getString("next");
      return next == null ? Future.succeededFuture(1) : readAllPages(vertx, next, seen).map(n -> n + 1);
    });
  }
}
