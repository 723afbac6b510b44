package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mesh describes itself, against the four JVMs: /openapi.json is valid OpenAPI 3.1 for Vert.x's reader
 * and for an independent validator (npm), the real routes' schemas are enforced at the gateway in the
 * services' own words, a Python client that only knows the document calls routes from it, and the API
 * explorer at /docs tries a route in a real Chromium.
 */
class ApiDescriptionEndToEndTest {

  private static final Duration SCRIPT_BOUND = Duration.ofMinutes(3);

  @TempDir
  static Path dataDir;
  private static MeshProcesses mesh;

  private final Path scriptDir = Path.of("target", "browser").toAbsolutePath();
  private final Path root = Path.of("..").toAbsolutePath().normalize();

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = MeshProcesses.ready(TestCluster.create().settings(), dataDir);
  }

  @AfterAll
  static void stopMesh() throws Exception {
    mesh.close();
  }

  @Test
  void theDocumentIsValidOpenApi31ForVertxAndForAnIndependentValidator() throws Exception {
    HttpResponse<String> answer = mesh.get("/openapi.json");
    assertEquals(200, answer.statusCode(), answer.body());
    JsonObject document = new JsonObject(answer.body());
    assertEquals("3.1.0", document.getString("openapi"));
    Set<String> operations = new TreeSet<>();
    document.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue())
        .forEach(op -> operations.add(((JsonObject) op.getValue()).getString("operationId"))));
    assertTrue(operations.containsAll(List.of("users.create", "users.get", "users.list", "users.update",
        "users.delete", "inventory.create", "inventory.list", "inventory.reserve", "inventory.release",
        "inventory.commit", "orders.create", "orders.get", "orders.list", "orders.cancel")), operations.toString());
    assertTrue(document.getJsonObject("paths").containsKey("/api/users/{id}"), "paths in OpenAPI form");

    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIContract contract = TestCluster.await(OpenAPIContract.from(vertx, document));
      assertEquals("/api/orders/{id}", contract.operation("orders.get").getOpenAPIPath());
    } finally {
      TestCluster.await(vertx.close());
    }

    Path file = Path.of("target", "openapi", "openapi.json").toAbsolutePath();
    Files.createDirectories(file.getParent());
    Files.writeString(file, answer.body());
    assertNodeModule("@apidevtools/swagger-parser");
    Run validator = run(scriptDir, Map.of(), "node", "validate-openapi.mjs", file.toString());
    assertEquals(0, validator.exit(), "swagger-parser refused the document:\n" + validator.output());
    assertTrue(validator.output().contains("valid OpenAPI 3.1.0"), validator.output());
  }

  @Test
  void theGatewayRefusesBadBodiesOfTheRealRoutesInTheServicesOwnWords() throws Exception {
    HttpResponse<String> user = mesh.send("POST", "/api/users", "{\"email\": \"nope\", \"name\": \"A\", \"admin\": true}");
    assertEquals(400, user.statusCode(), user.body());
    assertEquals(new JsonObject()
        .put("email", "must be an email address such as ada@example.com")
        .put("name", "must be 2 to 100 characters after trimming")
        .put("admin", "unknown field; allowed: email, name"), new JsonObject(user.body()).getJsonObject("fields"));

    HttpResponse<String> order = mesh.send("POST", "/api/orders",
        "{\"userId\": \"3f2b8c1e-7d4a-4e9b-9c1f-0a2b3c4d5e6f\", \"items\": [{\"sku\": \"mug\", \"quantity\": 0}, 7]}",
        Map.of("Idempotency-Key", "edge-check-1"));
    assertEquals(400, order.statusCode(), order.body());
    assertEquals(new JsonObject()
        .put("items[0].quantity", "must be a whole number from 1 to 1000")
        .put("items[1]", "must be an object {sku, quantity}"), new JsonObject(order.body()).getJsonObject("fields"));
    HttpResponse<String> none = mesh.get("/api/orders?limit=100");
    assertEquals(200, none.statusCode(), none.body());
    assertTrue(none.body().contains("\"items\":[]"), "the refused order was never recorded: " + none.body());
  }

  @Test
  void aPythonClientCallsRoutesFoundInTheDocument() throws Exception {
    Run client = run(root, Map.of("MESH_GATEWAY", mesh.gateway, "MESH_TOKEN", mesh.tokens.admin()),
        "python3", "examples/python/explore.py");
    assertEquals(0, client.exit(), "explore.py failed:\n" + client.output());
    assertTrue(client.output().contains("inventory.list: GET /api/inventory/products?limit=5 -> 200"), client.output());
    Matcher read = Pattern.compile("inventory\\.get: GET /api/inventory/products/([A-Za-z0-9_-]+) -> 200")
        .matcher(client.output());
    assertTrue(read.find(), client.output());
    assertEquals(200, mesh.get("/api/inventory/products/" + read.group(1)).statusCode(), "the product it read is there");
  }

  @Test
  void theExplorerListsTheOperationsAndTriesOneInARealBrowser() throws Exception {
    String chromium = System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium");
    assertTrue(Files.isExecutable(Path.of(chromium)),
        chromium + " is missing: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH");
    assertNodeModule("playwright-core");
    Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
    Run browser = run(scriptDir, Map.of("GATEWAY_URL", mesh.gateway, "SCREENSHOT_DIR", screenshots.toString(),
        "CHROMIUM_PATH", chromium), "node", "docs.test.mjs");
    Path log = Path.of("target", "browser-logs", "docs.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    Files.writeString(log, browser.output());
    assertEquals(0, browser.exit(), "the explorer script failed (screenshots in " + screenshots + "):\n" + browser.output());
    assertTrue(browser.output().contains("GET /api/inventory/products answered 200"), browser.output());
  }

  private void assertNodeModule(String module) {
    assertTrue(Files.isDirectory(scriptDir.resolve("node_modules").resolve(module)),
        module + " is not installed in " + scriptDir + ": the Maven build runs npm ci there (needs node and npm)");
  }

  private record Run(int exit, String output) {
  }

  /** A child process, its output collected, bounded by SCRIPT_BOUND (then killed, with its children). */
  private static Run run(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    List<String> lines = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
          }
        }
      } catch (IOException e) {
        synchronized (lines) {
          lines.add("output lost: " + e);
        }
      }
    }, "child-output");
    reader.start();
    if (!process.waitFor(SCRIPT_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      reader.join(5000);
      fail(String.join(" ", command) + " did not finish within " + SCRIPT_BOUND + ":\n" + String.join("\n", lines));
    }
    reader.join(10_000);
    synchronized (lines) {
      return new Run(process.exitValue(), String.join("\n", lines));
    }
  }
}
