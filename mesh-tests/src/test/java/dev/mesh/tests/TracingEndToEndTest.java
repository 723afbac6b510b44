package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.tests.OtlpReceiver.Span;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request, one trace: the four JVMs export their spans over OTLP/HTTP to a receiver of the test's
 * own, and the spans of one request must form one tree under the gateway's HTTP server span, whose id
 * the gateway quotes in its {@code traceparent} answer: across the event bus, the services' queries, the
 * saga's calls, and a Python service of the bridge that passes the trace on. The outbox relay's trace
 * links back to the order's.
 */
class TracingEndToEndTest {

  private static final Logger log = LoggerFactory.getLogger(TracingEndToEndTest.class);
  private static final Duration EXPORTED = Duration.ofSeconds(30);

  @TempDir
  static Path dataDir;
  private static OtlpReceiver otlp;
  private static MeshProcesses mesh;

  @BeforeAll
  static void startReceiverMeshAndPython() throws Exception {
    otlp = new OtlpReceiver();
    JsonObject settings = TestCluster.create().settings()
        .put("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint())
        .put("OTEL_BSP_SCHEDULE_DELAY", 200)
        // a confirmed order's stock is committed by the sweep once this window passes: the sweep's trace
        .put("ORDERS_CANCEL_WINDOW_MS", 1000)
        // the example reads users for its answer: the operator grants it a role that may, by name
        .put("BRIDGE_GRANT_ROLES", "recommendations:admin");
    mesh = MeshProcesses.ready(settings, dataDir);
    mesh.startForeign("recommendations", "python3", "examples/python/recommendations.py");
    Eventually.await(Duration.ofSeconds(60), "recommendations joined", () -> mesh.get("/ready"),
        r -> new JsonObject(r.body()).getJsonObject("services").getJsonObject("recommendations",
            new JsonObject()).getInteger("instances", 0) == 1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
    if (otlp != null) {
      otlp.close();
    }
  }

  @Test
  void anOrderIsOneTraceFromTheGatewayThroughTheSaga() throws Exception {
    String userId = createUser();
    String sku = "sku-" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, mesh.post("/api/inventory/products", new JsonObject().put("sku", sku).put("name", "Thing")
        .put("priceCents", 100).put("available", 5)).statusCode());

    HttpResponse<String> placed = mesh.post("/api/orders", new JsonObject().put("userId", userId)
            .put("items", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 1))),
        "Idempotency-Key", UUID.randomUUID().toString());
    assertTrue(placed.statusCode() == 201 || placed.statusCode() == 202, placed.body());
    String[] quoted = quotedTrace(placed);
    String orderId = new JsonObject(placed.body()).getString("id");
    Eventually.await(Duration.ofSeconds(30), "order confirmed", () -> mesh.get("/api/orders/" + orderId),
        r -> "CONFIRMED".equals(new JsonObject(r.body()).getString("status")));

    List<Span> trace = awaitTree(quoted[0], spans -> queriedIn(spans, "orders") && queriedIn(spans, "users")
        && queriedIn(spans, "inventory"));
    log.info("the order's trace:\n{}", describe(trace));
    assertRootIsTheGatewaysAnswer(trace, quoted[1]);
    // the event bus carries the trace between JVMs: the gateway hands the order to orders, whose saga calls
    // users and inventory
    assertEquals(Set.of("gateway"), callersOf(trace, "orders"), describe(trace));
    assertEquals(Set.of("orders"), callersOf(trace, "users"), describe(trace));
    assertEquals(Set.of("orders"), callersOf(trace, "inventory"), describe(trace));

    // the relay publishes the order's events in a trace of its own, linked to the order's; the gateway's
    // webhook to the Python service (subscribed to events.order.confirmed) is part of that trace
    List<Span> relayed = Eventually.await(EXPORTED, "a relay trace linked to the order's, with the webhook",
        () -> tracesLinkedTo(quoted[0]),
        traces -> traces.stream().anyMatch(t -> isTree(t) && t.stream().anyMatch(TracingEndToEndTest::isWebhook)))
        .stream().filter(t -> t.stream().anyMatch(TracingEndToEndTest::isWebhook)).findFirst().orElseThrow();
    log.info("the relay's trace, linked to the order's:\n{}", describe(relayed));
    Span relay = roots(relayed).get(0);
    assertEquals("orders", relay.service());
    assertEquals("orders outbox relay", relay.name());
    assertTrue(relay.linkedTraces().contains(quoted[0]), relay.linkedTraces().toString());

    // the sweep commits the order's stock when its cancellation window has passed: a trace of its own,
    // linked to the order's, with the saga's call to inventory under it
    List<Span> swept = Eventually.await(EXPORTED, "a sweep trace linked to the order's, committing its stock",
        () -> tracesLinkedTo(quoted[0]), traces -> traces.stream().anyMatch(TracingEndToEndTest::isSweepToInventory))
        .stream().filter(TracingEndToEndTest::isSweepToInventory).findFirst().orElseThrow();
    log.info("the sweep's trace, linked to the order's:\n{}", describe(swept));
    assertTrue(roots(swept).get(0).linkedTraces().contains(quoted[0]));
    assertEquals(Set.of("orders"), callersOf(swept, "inventory"), describe(swept));

    // the webhook carried the relay's traceparent to Python, which quotes its trace id in its log
    Eventually.await(Duration.ofSeconds(10), "Python quotes the relay's trace " + relay.traceId(),
        () -> Files.readString(Path.of("target", "mesh-logs", "recommendations.log"))
            .contains("order " + orderId + " confirmed (trace " + relay.traceId() + ")"));
  }

  @Test
  void aPythonServiceOfTheBridgeJoinsTheTrace() throws Exception {
    String userId = createUser();

    HttpResponse<String> answer = mesh.get("/api/recommendations/" + userId);
    assertEquals(200, answer.statusCode(), answer.body());
    String[] quoted = quotedTrace(answer);

    List<Span> trace = awaitTree(quoted[0], spans -> queriedIn(spans, "users"));
    log.info("the recommendation's trace:\n{}", describe(trace));
    assertRootIsTheGatewaysAnswer(trace, quoted[1]);
    // Python read the traceparent of the gateway's call to it and sent it on with its own call into the
    // bridge: that call's server span is a child of the gateway's client span towards Python
    Span intoBridge = trace.stream().filter(s -> s.service().equals("gateway") && s.kind().equals("SPAN_KIND_SERVER")
        && !s.isRoot()).findFirst().orElseThrow(() -> new AssertionError("no call into the bridge:\n" + describe(trace)));
    Span towardsPython = parentOf(trace, intoBridge).orElseThrow();
    assertEquals("gateway", towardsPython.service());
    assertEquals("SPAN_KIND_CLIENT", towardsPython.kind());
    assertEquals(roots(trace).get(0).spanId(), towardsPython.parentSpanId(), describe(trace));
    // and what the bridge asked of users on Python's behalf continues under it
    assertTrue(trace.stream().filter(s -> s.service().equals("users")).allMatch(s -> descendsFrom(trace, s, intoBridge)),
        describe(trace));
  }

  /** The trace id and span id of the gateway's {@code traceparent} answer. */
  private static String[] quotedTrace(HttpResponse<String> answer) {
    String traceparent = answer.headers().firstValue("traceparent").orElseThrow(
        () -> new AssertionError("no traceparent in the answer: " + answer.headers().map()));
    String[] parts = traceparent.split("-");
    assertEquals(4, parts.length, traceparent);
    assertEquals("01", parts[3], "an exported trace is sampled: " + traceparent);
    return new String[] {parts[1], parts[2]};
  }

  private static void assertRootIsTheGatewaysAnswer(List<Span> trace, String quotedSpan) {
    List<Span> roots = roots(trace);
    assertEquals(1, roots.size(), "one root:\n" + describe(trace));
    assertEquals("gateway", roots.get(0).service());
    assertEquals("SPAN_KIND_SERVER", roots.get(0).kind());
    assertEquals(quotedSpan, roots.get(0).spanId(), "the answer quotes the gateway's server span");
  }

  /** The spans of the trace once it is one whole tree and {@code complete} holds. */
  private static List<Span> awaitTree(String traceId, Predicate<List<Span>> complete) {
    return Eventually.await(EXPORTED, "one tree of spans for trace " + traceId, () -> otlp.trace(traceId),
        spans -> isTree(spans) && complete.test(spans));
  }

  /** One root, and every other span's parent is in the trace. */
  private static boolean isTree(List<Span> spans) {
    Set<String> ids = spans.stream().map(Span::spanId).collect(Collectors.toSet());
    return roots(spans).size() == 1 && spans.stream().allMatch(s -> s.isRoot() || ids.contains(s.parentSpanId()));
  }

  private static List<Span> roots(List<Span> spans) {
    return spans.stream().filter(Span::isRoot).toList();
  }

  /** A database query of the service, under the service's own work in the trace. */
  private static boolean queriedIn(List<Span> spans, String service) {
    return spans.stream().anyMatch(s -> s.service().equals(service) && s.attributes().containsKey("db.system"));
  }

  /** The services whose spans are the parents of the service's spans that have a parent in another process. */
  private static Set<String> callersOf(List<Span> trace, String service) {
    return trace.stream().filter(s -> s.service().equals(service))
        .map(s -> parentOf(trace, s)).flatMap(Optional::stream)
        .map(Span::service).filter(caller -> !caller.equals(service)).collect(Collectors.toSet());
  }

  /** The gateway's post of an event to the Python service's webhook. */
  private static boolean isWebhook(Span span) {
    return span.service().equals("gateway") && span.kind().equals("SPAN_KIND_CLIENT")
        && span.attributes().values().stream().anyMatch(v -> v.contains("/mesh/events"));
  }

  /** A whole sweep trace in which inventory was called. */
  private static boolean isSweepToInventory(List<Span> trace) {
    return isTree(trace) && roots(trace).get(0).name().equals("orders sweep") && queriedIn(trace, "inventory");
  }

  /** The traces with a span linked to the given one. */
  private static List<List<Span>> tracesLinkedTo(String traceId) {
    List<Span> all = otlp.all();
    return all.stream().filter(s -> s.linkedTraces().contains(traceId)).map(Span::traceId).distinct()
        .map(otlp::trace).toList();
  }

  private static boolean descendsFrom(List<Span> trace, Span span, Span ancestor) {
    for (Optional<Span> up = parentOf(trace, span); up.isPresent(); up = parentOf(trace, up.get())) {
      if (up.get().spanId().equals(ancestor.spanId())) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Span> parentOf(List<Span> trace, Span child) {
    return trace.stream().filter(s -> s.spanId().equals(child.parentSpanId())).findFirst();
  }

  /** The tree, indented, for the failure messages and the test's log. */
  private static String describe(List<Span> trace) {
    StringBuilder out = new StringBuilder();
    roots(trace).forEach(root -> describe(trace, root, 0, out));
    Set<String> ids = trace.stream().map(Span::spanId).collect(Collectors.toSet());
    trace.stream().filter(s -> !s.isRoot() && !ids.contains(s.parentSpanId()))
        .forEach(orphan -> out.append("(parent not received) ").append(orphan).append('\n'));
    return out.toString();
  }

  private static void describe(List<Span> trace, Span span, int depth, StringBuilder out) {
    out.append("  ".repeat(depth)).append(span).append('\n');
    trace.stream().filter(s -> s.parentSpanId().equals(span.spanId()))
        .forEach(child -> describe(trace, child, depth + 1, out));
  }

  private static String createUser() throws Exception {
    HttpResponse<String> created = mesh.post("/api/users",
        new JsonObject().put("email", "t-" + UUID.randomUUID() + "@example.com").put("name", "Tracy"));
    assertEquals(201, created.statusCode(), created.body());
    assertFalse(created.headers().firstValue("traceparent").isEmpty(), "every answer quotes its trace");
    return new JsonObject(created.body()).getString("id");
  }
}
