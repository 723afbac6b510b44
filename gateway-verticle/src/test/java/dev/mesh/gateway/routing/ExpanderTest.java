package dev.mesh.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.Breakers;
import dev.mesh.common.Caller;
import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshError;
import dev.mesh.common.MeshService;
import dev.mesh.common.ServiceClient;
import dev.mesh.common.identity.Identities;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ?expand= on a local Vert.x: real event-bus consumers stand in for the users and inventory services,
 * so each embedded part, each shared fetch and each part that cannot be fetched is seen directly.
 */
class ExpanderTest {

  private static final JsonObject USER = expansion("user", "userId", "users", "get", "id", "user");
  private static final JsonObject PRODUCTS = expansion("products", "items[].sku", "inventory", "get", "sku",
      "product");
  private static final ServiceRoute ORDER_ROUTE = new ServiceRoute("orders", "mesh.orders", "GET", "/api/orders/:id",
      "get", new JsonObject().put("expand", new JsonArray().add(USER).add(PRODUCTS)));

  private static Vertx vertx;
  private static Expander expander;
  /** How often each stand-in service was asked, by address, in the current test. */
  /** Expansions are fetched as the caller of the request; the stand-in consumers do not check who. */
  private static final Caller CUSTOMER = Caller.of("u-1", List.of("customer"), List.of());
  private static final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

  private static JsonObject expansion(String name, String field, String service, String action, String param,
      String into) {
    return new JsonObject().put("name", name).put("field", field).put("service", service).put("action", action)
        .put("param", param).put("into", into);
  }

  @BeforeAll
  static void standInServices() {
    vertx = Vertx.vertx();
    // a send timeout no loaded machine reaches: these tests are about what is embedded, not about time
    expander = new Expander(new ServiceClient(vertx, Identities.of(vertx, MeshConfig.of(TestCluster.create().settings())), "gateway",
        new Breakers(vertx, "test", 5, 30_000), 30_000));
    TestCluster.await(vertx.eventBus().<JsonObject>consumer("mesh.users", message -> {
      asked.computeIfAbsent("mesh.users", a -> new AtomicInteger()).incrementAndGet();
      if (!"get".equals(message.headers().get(MeshService.ACTION_HEADER))) {
        message.fail(400, "unexpected action");
      } else if ("u-1".equals(message.body().getString("id"))) {
        message.reply(new JsonObject().put("id", "u-1").put("name", "Ada"));
      } else {
        message.reply(MeshError.notFound("no such user").toReplyException());
      }
    }).completion());
    TestCluster.await(vertx.eventBus().<JsonObject>consumer("mesh.inventory", message -> {
      asked.computeIfAbsent("mesh.inventory", a -> new AtomicInteger()).incrementAndGet();
      String sku = message.body().getString("sku");
      message.reply(new JsonObject().put("sku", sku).put("name", "Thing " + sku));
    }).completion());
  }

  @BeforeEach
  void forget() {
    asked.clear();
  }

  @AfterAll
  static void close() {
    TestCluster.await(vertx.close());
  }

  private static JsonObject order(String userId, String... skus) {
    JsonArray items = new JsonArray();
    for (String sku : skus) {
      items.add(new JsonObject().put("sku", sku).put("quantity", 1));
    }
    return new JsonObject().put("id", "o-1").put("userId", userId).put("items", items);
  }

  @Test
  void theRequestedExpansionsComeInDeclaredOrderAndAnUnknownOneIsA400() {
    assertEquals(List.of(USER, PRODUCTS), Expander.requested(ORDER_ROUTE, "products, user,,user"));
    assertEquals(List.of(PRODUCTS), Expander.requested(ORDER_ROUTE, "products"));
    assertEquals(List.of(), Expander.requested(ORDER_ROUTE, " "));
    MeshError unknown = assertThrows(MeshError.class, () -> Expander.requested(ORDER_ROUTE, "user,nonsense"));
    assertEquals(400, unknown.status());
    assertTrue(unknown.getMessage().contains("[nonsense]") && unknown.getMessage().contains("[user, products]"),
        unknown.getMessage());
  }

  @Test
  void eachPartIsEmbeddedBesideItsValueAndADistinctValueIsFetchedOnce() {
    JsonObject expanded = TestCluster.await(expander.expand(order("u-1", "MUG", "LAMP", "MUG"), List.of(USER, PRODUCTS),
        CUSTOMER));

    assertEquals(new JsonObject().put("id", "u-1").put("name", "Ada"), expanded.getJsonObject("user"));
    JsonArray items = expanded.getJsonArray("items");
    assertEquals("Thing MUG", items.getJsonObject(0).getJsonObject("product").getString("name"));
    assertEquals("Thing LAMP", items.getJsonObject(1).getJsonObject("product").getString("name"));
    assertEquals("Thing MUG", items.getJsonObject(2).getJsonObject("product").getString("name"));
    assertEquals(1, asked.get("mesh.users").get());
    assertEquals(2, asked.get("mesh.inventory").get(), "MUG twice in the order, fetched once");
  }

  @Test
  void aPartThatCannotBeFetchedIsMarkedInPlaceAndTheRestStillComes() {
    JsonObject expanded = TestCluster.await(expander.expand(order("u-404", "MUG"), List.of(USER, PRODUCTS), CUSTOMER));
    JsonObject user = expanded.getJsonObject("user");
    assertEquals(true, user.getBoolean("unavailable"));
    assertEquals(404, user.getJsonObject("error").getInteger("status"), user.encode());
    assertEquals("not_found", user.getJsonObject("error").getString("error"));
    assertEquals("Thing MUG", expanded.getJsonArray("items").getJsonObject(0).getJsonObject("product")
        .getString("name"), expanded.encode());
  }

  @Test
  void aServiceWithNoConsumerIsUnavailableNotAFailureOfTheWholeAnswer() {
    JsonObject gone = expansion("shipment", "shipmentId", "shipping", "get", "id", "shipment");
    JsonObject expanded = TestCluster.await(expander.expand(new JsonObject().put("shipmentId", "s-1"), List.of(gone),
        CUSTOMER));
    JsonObject shipment = expanded.getJsonObject("shipment");
    assertEquals(true, shipment.getBoolean("unavailable"));
    assertEquals(503, shipment.getJsonObject("error").getInteger("status"), shipment.encode());
  }

  @Test
  void aMissingFieldEmbedsNothingAndAsksNobody() {
    JsonObject noUser = new JsonObject().put("id", "o-2");
    JsonObject expanded = TestCluster.await(expander.expand(noUser.copy(), List.of(USER, PRODUCTS), CUSTOMER));
    assertEquals(noUser, expanded);
    assertTrue(asked.isEmpty(), "no fetch without a value: " + asked);
  }
}
