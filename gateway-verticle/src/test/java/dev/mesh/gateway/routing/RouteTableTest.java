package dev.mesh.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.Registry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The gateway's view of the registry, from records alone: what matches, how many serve, who is gone. */
class RouteTableTest {

  private static Record service(String name, String instance, JsonObject... routes) {
    return new Record().setName(name).setType(Registry.TYPE)
        .setLocation(new JsonObject().put("address", "mesh." + name))
        .setMetadata(new JsonObject().put(Registry.INSTANCE, instance).put(Registry.ROUTES, new JsonArray(List.of(routes))));
  }

  private static Record foreign(String name, String baseUrl, JsonObject... routes) {
    return service(name, baseUrl, routes).setLocation(new JsonObject().put("endpoint", baseUrl));
  }

  private static JsonObject route(String method, String path, String action) {
    return new JsonObject().put("method", method).put("path", path).put("action", action);
  }

  @Test
  void aRequestMatchesItsRouteWithThePathParameters() {
    RouteTable table = new RouteTable(Set.of());
    table.update(List.of(service("users", "u-1", route("get", "/api/users/:id", "get"),
        route("POST", "/api/users", "create"))));

    RouteTable.Match match = table.match("GET", "/api/users/42");
    assertEquals("users", match.route().service());
    assertEquals("mesh.users", match.route().address());
    assertEquals("get", match.route().action());
    assertEquals("GET", match.route().method(), "methods are compared in upper case");
    assertEquals(Map.of("id", "42"), match.params());
    assertEquals("create", table.match("POST", "/api/users/").route().action(), "a trailing slash is the same path");

    assertNull(table.match("DELETE", "/api/users/42"), "another method is another route");
    assertNull(table.match("GET", "/api/users/42/orders"), "a parameter matches one segment only");
    assertNull(table.match("GET", "/api/nobody"));
  }

  @Test
  void theEventsServicesDeclareAreKnownLiveAndOutlastTheirInstances() {
    RouteTable table = new RouteTable(Set.of());
    assertEquals(List.of(), table.declaredEvents(), "the gateway knows no event of its own");
    Record shop = service("shop", "s-1");
    shop.getMetadata().put(Registry.EVENTS, new JsonArray()
        .add(new JsonObject().put("address", "events.sale.made").put("browserSafe", true))
        .add(new JsonObject().put("address", "events.cart.left").put("browserSafe", false))
        .add(new JsonObject().put("browserSafe", true)));
    table.update(List.of(shop));
    assertEquals(List.of("events.cart.left", "events.sale.made"), table.declaredEvents(),
        "each declared address once, an entry without an address skipped");

    table.update(List.of());
    assertEquals(List.of("events.cart.left", "events.sale.made"), table.declaredEvents(),
        "a service that is away still publishes the same events when it is back");
  }

  @Test
  void literalSegmentsOutrankParametersWhateverTheOrderOfDeclaration() {
    RouteTable table = new RouteTable(Set.of());
    table.update(List.of(service("users", "u-1", route("GET", "/api/users/:id", "get"),
        route("GET", "/api/users/info", "info"))));
    assertEquals("info", table.match("GET", "/api/users/info").route().action());
    assertEquals("get", table.match("GET", "/api/users/7").route().action());
  }

  @Test
  void instancesAreCountedAndRequiredServicesAreKnownBeforeTheyArrive() {
    RouteTable table = new RouteTable(Set.of("users", "orders"));
    assertEquals(Map.of("users", 0, "orders", 0), table.services());
    assertEquals("users", table.serviceOfPath("/api/users/whatever"), "a known service answers 503, not 404");

    table.update(List.of(service("users", "u-1"), service("users", "u-2"), service("inventory", "i-1"),
        new Record().setName("not-ours").setType("http-endpoint")));
    assertEquals(2, table.instances("users"));
    assertEquals(1, table.instances("inventory"));
    assertEquals(0, table.instances("orders"));
    assertEquals(0, table.instances("not-ours"), "records of other types are not services of the mesh");
    assertNull(table.serviceOfPath("/api/not-ours/x"));
    assertNull(table.serviceOfPath("/other/users"));
  }

  @Test
  void requestsGoRoundRobinToTheOwnAddressOfEachListedInstance() {
    RouteTable table = new RouteTable(Set.of());
    Record first = service("users", "u-1");
    first.getLocation().put(Registry.INSTANCE_ADDRESS, "mesh.users.instance.u-1");
    Record second = service("users", "u-2");
    second.getLocation().put(Registry.INSTANCE_ADDRESS, "mesh.users.instance.u-2");
    table.update(List.of(first, second, service("inventory", "i-1")));

    assertEquals(Set.of("mesh.users.instance.u-1", "mesh.users.instance.u-2"),
        Set.of(table.instanceAddress("users"), table.instanceAddress("users")), "each instance in turn");
    assertNull(table.instanceAddress("inventory"), "a record that names no own address: the shared one is the way");
    assertNull(table.instanceAddress("orders"));

    table.update(List.of(second));
    assertEquals("mesh.users.instance.u-2", table.instanceAddress("users"), "an unpublished instance is no longer chosen");
    assertEquals("mesh.users.instance.u-2", table.instanceAddress("users"));
  }

  @Test
  void aServiceWhoseLastInstanceLeftKeepsItsRoutesWithNoInstance() {
    RouteTable table = new RouteTable(Set.of());
    table.update(List.of(service("inventory", "i-1", route("GET", "/api/inventory/info", "info"))));
    table.update(List.of());

    RouteTable.Match match = table.match("GET", "/api/inventory/info");
    assertEquals("inventory", match.route().service(), "still routed, so its callers get a fast 503");
    assertEquals(0, table.instances("inventory"));
    assertEquals(Map.of("inventory", 0), table.services());
  }

  @Test
  void aServiceThatComesBackWithOtherRoutesReplacesItsOldOnes() {
    RouteTable table = new RouteTable(Set.of());
    table.update(List.of(service("inventory", "i-1", route("GET", "/api/inventory/old", "old"))));
    table.update(List.of(service("inventory", "i-2", route("GET", "/api/inventory/new", "new"))));
    assertNull(table.match("GET", "/api/inventory/old"));
    assertEquals("new", table.match("GET", "/api/inventory/new").route().action());
  }

  @Test
  void routeExtrasTravelWithTheRouteAndMalformedRoutesAreSkipped() {
    JsonObject expansion = new JsonObject().put("name", "user").put("field", "userId");
    JsonObject withExtras = route("GET", "/api/orders/:id", "get")
        .put("expand", new JsonArray().add(expansion))
        .put("headers", new JsonObject().put("Idempotency-Key", "idempotencyKey"));
    RouteTable table = new RouteTable(Set.of());
    table.update(List.of(service("orders", "o-1", withExtras, new JsonObject().put("path", "/api/orders/bad/route"),
        new JsonObject().put("method", "GET"))));

    ServiceRoute route = table.match("GET", "/api/orders/1").route();
    assertEquals(new JsonArray().add(expansion), route.expansions());
    assertEquals(new JsonObject().put("Idempotency-Key", "idempotencyKey"), route.headers());
    assertTrue(!route.extras().containsKey("method") && !route.extras().containsKey("path"),
        "extras hold only what is not the route itself: " + route.extras());
    assertNull(table.match("GET", "/api/orders/bad/route"), "a route without a method is skipped");
  }

  @Test
  void foreignServicesAreReachedByEndpointInTurnAndEventBusServicesHaveNone() {
    RouteTable table = new RouteTable(Set.of());
    table.update(List.of(foreign("recs", "http://127.0.0.1:9001"), foreign("recs", "http://127.0.0.1:9002"),
        service("users", "u-1")));
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 4; i++) {
      seen.add(table.endpoint("recs"));
    }
    assertEquals(Set.of("http://127.0.0.1:9001", "http://127.0.0.1:9002"), seen, "round-robin over both");
    assertEquals(2, table.instances("recs"));
    assertNull(table.endpoint("users"));
    assertNull(table.endpoint("nobody"));
  }
}
