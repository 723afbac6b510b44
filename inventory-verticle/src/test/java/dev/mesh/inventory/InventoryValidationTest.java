package dev.mesh.inventory;

import static dev.mesh.inventory.InventoryBus.call;
import static dev.mesh.inventory.InventoryBus.createProduct;
import static dev.mesh.inventory.InventoryBus.error;
import static dev.mesh.inventory.InventoryBus.getProduct;
import static dev.mesh.inventory.InventoryBus.assertCounts;
import static dev.mesh.inventory.InventoryBus.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.contracts.InventoryContract.Action;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to every action gets a 400 naming the fields, and writes nothing: the one product the
 * requests aim at keeps its counts, price and name, and refused creates leave their sku free.
 */
@ExtendWith(VertxExtension.class)
// each test (or its setup) starts an embedded PostgreSQL: on a loaded machine that can pass the
// extension's default 30 s
@Timeout(value = 2, timeUnit = TimeUnit.MINUTES)
class InventoryValidationTest {

  /** Every request below that names an existing product names this one. */
  private static final String SKU = "VALID-1";
  private static final String FREE = "FREE-1";

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void deploy(Vertx vertx, VertxTestContext ctx) {
    InventoryBus.deploy(vertx, dataDir).compose(v -> createProduct(vertx, SKU, 5))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static JsonObject json(Object... pairs) {
    JsonObject json = new JsonObject();
    for (int i = 0; i < pairs.length; i += 2) {
      json.put((String) pairs[i], pairs[i + 1]);
    }
    return json;
  }

  private static JsonObject line(Object sku, Object quantity) {
    return json("sku", sku, "quantity", quantity);
  }

  static Stream<Arguments> badRequests() {
    JsonArray tooMany = new JsonArray();
    IntStream.range(0, 101).forEach(i -> tooMany.add(line("S" + i, 1)));
    return Stream.of(
        // create
        Arguments.of(Action.CREATE, json(), Set.of("sku", "name", "priceCents")),
        Arguments.of(Action.CREATE, json("sku", FREE, "name", "X", "priceCents", -1), Set.of("priceCents")),
        Arguments.of(Action.CREATE, json("sku", FREE, "name", "X", "priceCents", "100"), Set.of("priceCents")),
        Arguments.of(Action.CREATE, json("sku", FREE, "name", "X", "priceCents", 9.99), Set.of("priceCents")),
        Arguments.of(Action.CREATE, json("sku", FREE, "name", "X", "priceCents", 1, "available", -3), Set.of("available")),
        Arguments.of(Action.CREATE, json("sku", FREE, "name", "X", "priceCents", 1, "available", 1e30), Set.of("available")),
        Arguments.of(Action.CREATE, json("sku", FREE, "name", "X", "priceCents", 1, "reserved", 3), Set.of("reserved")),
        Arguments.of(Action.CREATE, json("sku", "bad sku", "name", "X", "priceCents", 1), Set.of("sku")),
        Arguments.of(Action.CREATE, json("sku", "x'; DROP TABLE products;--", "name", "X", "priceCents", 1), Set.of("sku")),
        Arguments.of(Action.CREATE, json("sku", "S\u00c9", "name", "X", "priceCents", 1), Set.of("sku")),
        Arguments.of(Action.CREATE, json("sku", "-lead", "name", "X", "priceCents", 1), Set.of("sku")),
        Arguments.of(Action.CREATE, json("sku", "S".repeat(65), "name", "X", "priceCents", 1), Set.of("sku")),
        Arguments.of(Action.CREATE, json("sku", 12, "name", "X", "priceCents", 1), Set.of("sku")),
        Arguments.of(Action.CREATE, json("sku", FREE, "name", "  ", "priceCents", 1), Set.of("name")),
        Arguments.of(Action.CREATE, json("sku", FREE, "name", "N".repeat(201), "priceCents", 1), Set.of("name")),
        Arguments.of(Action.CREATE, json("sku", FREE, "name", "Mug\u0000", "priceCents", 1), Set.of("name")),
        Arguments.of(Action.CREATE, json("sku", FREE, "name", "Mug \uDC00", "priceCents", 1), Set.of("name")),
        Arguments.of(Action.CREATE, json("sku", FREE, "name", "Mug \u2066x", "priceCents", 1), Set.of("name")),
        Arguments.of(Action.CREATE, json("sku", FREE, "name", null, "priceCents", null), Set.of("name", "priceCents")),
        // get
        Arguments.of(Action.GET, json(), Set.of("sku")),
        Arguments.of(Action.GET, json("sku", "../etc/passwd"), Set.of("sku")),
        Arguments.of(Action.GET, json("sku", SKU, "verbose", "true"), Set.of("verbose")),
        // list
        Arguments.of(Action.LIST, json("limit", "0"), Set.of("limit")),
        Arguments.of(Action.LIST, json("limit", "500"), Set.of("limit")),
        Arguments.of(Action.LIST, json("limit", "x"), Set.of("limit")),
        Arguments.of(Action.LIST, json("after", "%%%"), Set.of("after")),
        // restock
        Arguments.of(Action.RESTOCK, json("sku", SKU), Set.of("quantity")),
        Arguments.of(Action.RESTOCK, json("sku", SKU, "quantity", 0), Set.of("quantity")),
        Arguments.of(Action.RESTOCK, json("sku", SKU, "quantity", -5), Set.of("quantity")),
        Arguments.of(Action.RESTOCK, json("sku", SKU, "quantity", "5"), Set.of("quantity")),
        Arguments.of(Action.RESTOCK, json("sku", SKU, "quantity", 2.5), Set.of("quantity")),
        Arguments.of(Action.RESTOCK, json("sku", SKU, "quantity", 1_000_000_001L), Set.of("quantity")),
        Arguments.of(Action.RESTOCK, json("sku", SKU, "quantity", Long.MAX_VALUE), Set.of("quantity")),
        Arguments.of(Action.RESTOCK, json("sku", SKU, "quantity", true), Set.of("quantity")),
        Arguments.of(Action.RESTOCK, json("sku", SKU, "quantity", 1, "available", 9), Set.of("available")),
        // update
        Arguments.of(Action.UPDATE, json("sku", SKU), Set.of("name", "priceCents")),
        Arguments.of(Action.UPDATE, json("sku", SKU, "priceCents", -1), Set.of("priceCents")),
        Arguments.of(Action.UPDATE, json("sku", SKU, "priceCents", 1, "available", 100), Set.of("available")),
        Arguments.of(Action.UPDATE, json("sku", SKU, "name", ""), Set.of("name")),
        // reserve
        Arguments.of(Action.RESERVE, json(), Set.of("orderId", "items")),
        Arguments.of(Action.RESERVE, json("orderId", "o-1", "items", new JsonArray()), Set.of("items")),
        Arguments.of(Action.RESERVE, json("orderId", "o-1", "items", tooMany), Set.of("items")),
        Arguments.of(Action.RESERVE, json("orderId", "o-1", "items", line(SKU, 1)), Set.of("items")),
        Arguments.of(Action.RESERVE, json("orderId", "o 1", "items", new JsonArray().add(line(SKU, 1))), Set.of("orderId")),
        Arguments.of(Action.RESERVE, json("orderId", 7, "items", new JsonArray().add(line(SKU, 1))), Set.of("orderId")),
        Arguments.of(Action.RESERVE, json("orderId", "o-1", "items", new JsonArray().add(line(SKU, 0))),
            Set.of("items[0].quantity")),
        Arguments.of(Action.RESERVE, json("orderId", "o-1", "items", new JsonArray().add(line(SKU, -1))),
            Set.of("items[0].quantity")),
        Arguments.of(Action.RESERVE, json("orderId", "o-1", "items", new JsonArray().add(line(SKU, "1"))),
            Set.of("items[0].quantity")),
        Arguments.of(Action.RESERVE, json("orderId", "o-1", "items", new JsonArray().add(line(SKU, 1)).add("x")),
            Set.of("items[1]")),
        Arguments.of(Action.RESERVE, json("orderId", "o-1", "items", new JsonArray().add(line(SKU, 1)).add(line(SKU, 2))),
            Set.of("items[1].sku")),
        Arguments.of(Action.RESERVE, json("orderId", "o-1", "items",
            new JsonArray().add(line(SKU, 1).put("price", 3))), Set.of("items[0].price")),
        Arguments.of(Action.RESERVE, json("orderId", "o-1", "items", new JsonArray().add(json("quantity", 1))),
            Set.of("items[0].sku")),
        Arguments.of(Action.RESERVE, json("orderId", "o-1", "items", new JsonArray().add(line(SKU, 1)), "force", true),
            Set.of("force")),
        // release and commit
        Arguments.of(Action.RELEASE, json(), Set.of("orderId")),
        Arguments.of(Action.RELEASE, json("orderId", ""), Set.of("orderId")),
        Arguments.of(Action.COMMIT, json("orderId", "o-1", "items", new JsonArray()), Set.of("items")),
        Arguments.of(Action.COMMIT, json("orderId", "x".repeat(129)), Set.of("orderId")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badRequests")
  void badInputAnswers400NamingTheFieldsAndWritesNothing(Action action, JsonObject body, Set<String> fields,
      Vertx vertx, VertxTestContext ctx) {
    call(vertx, action, body)
        .transform(result -> {
          ctx.verify(() -> {
            assertTrue(result.failed(), action + " " + body.encode() + " must fail");
            assertEquals(400, status(result.cause()));
            JsonObject error = error(result.cause());
            assertEquals("invalid", error.getString("error"));
            assertEquals(fields, error.getJsonObject("fields").fieldNames(), error.encode());
          });
          return getProduct(vertx, SKU);
        })
        .compose(product -> {
          ctx.verify(() -> {
            assertCounts(product, 5, 0, 0);
            assertEquals(1999, product.getLong("priceCents"));
            assertEquals("Product " + SKU, product.getString("name"));
          });
          return call(vertx, Action.GET, new JsonObject().put("sku", FREE)).transform(r -> {
            ctx.verify(() -> assertEquals(404, status(r.cause()), "refused creates leave the sku free"));
            return io.vertx.core.Future.succeededFuture();
          });
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
