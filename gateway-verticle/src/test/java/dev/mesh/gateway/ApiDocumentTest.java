package dev.mesh.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.Caller;
import dev.mesh.common.Endpoint;
import dev.mesh.common.Reply;
import dev.mesh.common.contract.Schemas;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.common.testing.Tokens;
import dev.mesh.gateway.bridge.BridgeSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway publishes the routes of the live services as OpenAPI 3.1 and enforces their body schemas:
 * a bad body is a 400 naming every bad field and never reaches the service; a route without a schema is
 * forwarded as before.
 */
class ApiDocumentTest {

  private static final JsonObject THING = Schemas.object()
      .required("name", Schemas.text(1, 10))
      .required("count", Schemas.wholeNumber(1, 5))
      .optional("tags", Schemas.arrayOf(Schemas.matching(java.util.regex.Pattern.compile("[a-z]+"), "lower-case letters"), 1, 3))
      .toJson();

  private static TestCluster cluster;
  private static Vertx gatewayNode;
  private static Vertx serviceNode;
  private static String gateway;
  private static final AtomicInteger creates = new AtomicInteger();
  private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.create();
    gatewayNode = cluster.join();
    serviceNode = cluster.join();
    int port = TestCluster.freePort();
    JsonObject config = cluster.settings().put(GatewayVerticle.PORT, port).put(GatewayVerticle.REQUIRED_SERVICES, "")
        .put(BridgeSettings.TCP_PORT, -1); // not used here; its default 7000 may be taken on the machine
    TestCluster.await(gatewayNode.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)));
    gateway = "http://127.0.0.1:" + port;
    TestCluster.await(serviceNode.deployVerticle(new TestService("shop", List.of(
        Endpoint.post("/api/shop/things", "create", input -> {
          creates.incrementAndGet();
          return Future.succeededFuture(Reply.created(input));
        }).summary("Make a thing").body(THING).responds(201, "the thing").responds(409, "it exists"),
        Endpoint.get("/api/shop/things/:id", "get", input -> Future.succeededFuture(Reply.ok(input)))
            .withExpansion("owner", "ownerId", "users", "get", "id", "owner"),
        Endpoint.get("/api/shop/things", "list", input -> Future.succeededFuture(Reply.ok(input))).open()
            .query("limit", "page size", Schemas.wholeNumber(1, 50)),
        Endpoint.post("/api/shop/notes", "note", input -> Future.succeededFuture(Reply.ok(input)))
            .withHeader("Idempotency-Key", "key"))), new DeploymentOptions().setConfig(cluster.settings())));
    Eventually.await(Duration.ofSeconds(15), "the shop is routed", () -> send("GET", "/api/shop/info", null).statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    TestCluster.await(Future.join(gatewayNode.close(), serviceNode.close()));
  }

  @Test
  void theDocumentIsOpenApi31OfTheLiveRoutes() throws Exception {
    HttpResponse<String> answer = send("GET", "/openapi.json", null);
    assertEquals(200, answer.statusCode());
    assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonObject document = new JsonObject(answer.body());
    assertEquals("3.1.0", document.getString("openapi"));

    JsonObject paths = document.getJsonObject("paths");
    JsonObject create = paths.getJsonObject("/api/shop/things").getJsonObject("post");
    assertEquals("shop.create", create.getString("operationId"));
    assertEquals("Make a thing", create.getString("summary"));
    assertEquals(THING, create.getJsonObject("requestBody").getJsonObject("content")
        .getJsonObject("application/json").getJsonObject("schema"), "the schema is published as the service wrote it");
    assertEquals(Set.of("201", "400", "401", "403", "409", "413", "429", "503", "504"),
        create.getJsonObject("responses").fieldNames());
    assertEquals(new JsonArray().add(new JsonObject().put("bearer", new JsonArray())), create.getJsonArray("security"),
        "a route that declares no policy needs a bearer token");
    assertEquals("#/components/schemas/Error", create.getJsonObject("responses").getJsonObject("409")
        .getJsonObject("content").getJsonObject("application/json").getJsonObject("schema").getString("$ref"));

    JsonObject get = paths.getJsonObject("/api/shop/things/{id}").getJsonObject("get");
    assertEquals("shop.get", get.getString("operationId"));
    assertEquals(Set.of("id:path", "expand:query"), parameters(get));
    assertEquals(Set.of("limit:query"), parameters(paths.getJsonObject("/api/shop/things").getJsonObject("get")));
    assertEquals(Set.of("Idempotency-Key:header"), parameters(paths.getJsonObject("/api/shop/notes").getJsonObject("post")));
    assertEquals("shop.info", paths.getJsonObject("/api/shop/info").getJsonObject("get").getString("operationId"));
    JsonObject list = paths.getJsonObject("/api/shop/things").getJsonObject("get");
    assertEquals(new JsonArray(), list.getJsonArray("security"), "a public route needs no credential");
    assertEquals(Set.of("200", "400", "429", "503", "504"), list.getJsonObject("responses").fieldNames());
    JsonObject bearer = document.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("bearer");
    assertEquals("http", bearer.getString("type"));
    assertEquals("bearer", bearer.getString("scheme"));
    assertEquals("JWT", bearer.getString("bearerFormat"));
    assertNotNull(document.getJsonObject("components").getJsonObject("schemas").getJsonObject("Error"));

    OpenAPIContract contract = TestCluster.await(OpenAPIContract.from(gatewayNode, document));
    assertEquals("shop.create", contract.operation("shop.create").getOperationId(),
        "Vert.x's OpenAPI reader loads the document and finds the operations");
    assertEquals("/api/shop/things/{id}", contract.operation("shop.get").getOpenAPIPath());
  }

  @Test
  void aBodyThatFailsTheSchemaIsRefusedAtTheEdgeNamingEveryField() throws Exception {
    int before = creates.get();
    HttpResponse<String> refused = send("POST", "/api/shop/things",
        "{\"name\": \"far too long a name\", \"count\": 9, \"tags\": [\"ok\", \"NO\"], \"colour\": \"red\"}");
    assertEquals(400, refused.statusCode(), refused.body());
    JsonObject error = new JsonObject(refused.body());
    assertEquals("invalid", error.getString("error"));
    assertEquals(new JsonObject()
        .put("name", "must be 1 to 10 characters after trimming")
        .put("count", "must be a whole number from 1 to 5")
        .put("tags[1]", "lower-case letters")
        .put("colour", "unknown field; allowed: count, name, tags"), error.getJsonObject("fields"));

    JsonObject missing = new JsonObject(send("POST", "/api/shop/things", null).body());
    assertEquals(new JsonObject().put("name", "is required").put("count", "is required"), missing.getJsonObject("fields"),
        "no body is checked as {}");
    assertEquals(400, send("POST", "/api/shop/things", "[1, 2]").statusCode());
    assertEquals("bad_request", new JsonObject(send("POST", "/api/shop/things", "{oops").body()).getString("error"));
    assertEquals(before, creates.get(), "the service never saw a refused body");

    HttpResponse<String> created = send("POST", "/api/shop/things", "{\"name\": \"cup\", \"count\": 2}");
    assertEquals(201, created.statusCode(), created.body());
    assertEquals(before + 1, creates.get());
  }

  @Test
  void declaredQueryParametersAreCheckedAtTheEdgeAndReachTheServiceAsBefore() throws Exception {
    HttpResponse<String> tooMany = send("GET", "/api/shop/things?limit=99", null);
    assertEquals(400, tooMany.statusCode(), tooMany.body());
    assertEquals(new JsonObject().put("limit", "must be a whole number from 1 to 50"),
        new JsonObject(tooMany.body()).getJsonObject("fields"));
    assertEquals(400, send("GET", "/api/shop/things?limit=lots", null).statusCode());

    HttpResponse<String> listed = send("GET", "/api/shop/things?limit=7&colour=red", null);
    assertEquals(200, listed.statusCode(), listed.body());
    JsonObject input = new JsonObject(listed.body());
    input.remove(Caller.FIELD); // the verified caller, which MeshService adds to every edge call
    assertEquals(new JsonObject().put("limit", "7").put("colour", "red"), input,
        "the service still gets query values as strings, undeclared ones too");
  }

  @Test
  void aRouteWithoutSchemaIsForwardedAsBefore() throws Exception {
    HttpResponse<String> noted = send("POST", "/api/shop/notes", "{\"anything\": [1, 2], \"goes\": true}");
    assertEquals(200, noted.statusCode(), noted.body());
    assertEquals(true, new JsonObject(noted.body()).getBoolean("goes"));
  }

  @Test
  void theExplorerIsServedWithAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = send("GET", "/docs", null);
    assertEquals(200, page.statusCode());
    assertEquals("/docs/", page.uri().getPath(), "/docs leads to the explorer's page");
    assertTrue(page.body().contains("/docs/vendor/swagger-ui-bundle.js"), page.body());
    String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
    assertTrue(policy.contains("script-src 'self'") && !policy.contains("unsafe-eval"), policy);
    assertFalse(policy.contains("script-src 'self' 'unsafe-inline'"), policy);
    assertEquals(200, send("GET", "/docs/vendor/swagger-ui-bundle.js", null).statusCode(),
        "Swagger UI is in the jar, from the pinned npm package");
    assertEquals(200, send("GET", "/docs/explorer.js", null).statusCode());
    assertNull(page.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
  }

  private static Set<String> parameters(JsonObject operation) {
    JsonArray parameters = operation.getJsonArray("parameters", new JsonArray());
    return parameters.stream().map(p -> ((JsonObject) p).getString("name") + ":" + ((JsonObject) p).getString("in"))
        .collect(java.util.stream.Collectors.toSet());
  }

  private static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json")
        .header("Authorization", Tokens.bearer(cluster.tokens().admin())) // the API is secure by default
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
