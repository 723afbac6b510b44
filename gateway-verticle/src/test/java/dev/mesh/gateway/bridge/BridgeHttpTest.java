package dev.mesh.gateway.bridge;

import static dev.mesh.gateway.bridge.BridgeFixture.assertJsonError;
import static dev.mesh.gateway.bridge.BridgeFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshError;
import dev.mesh.common.Registry;
import dev.mesh.common.observe.MeshTracing;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.gateway.bridge.ForeignServer.Answer;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.Status;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each call of the HTTP bridge, against a real gateway on a clustered node, a real Java service on
 * another, and foreign services that are real HTTP servers outside Vert.x.
 */
class BridgeHttpTest {

  private static BridgeFixture mesh;

  @BeforeAll
  static void start() {
    mesh = new BridgeFixture();
  }

  @AfterAll
  static void stop() {
    mesh.close();
  }

  @Test
  void everyBridgeCallNeedsTheCredential() throws Exception {
    JsonObject registration = new JsonObject().put("name", "nocred").put("baseUrl", "http://127.0.0.1:9");

    HttpResponse<String> missing = mesh.call("POST", "/bridge/services", registration, null);
    assertJsonError(missing, 401, "unauthorized");
    assertTrue(missing.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    assertJsonError(mesh.call("POST", "/bridge/services", registration, "Bearer wrong"), 403, "forbidden");
    assertJsonError(mesh.call("GET", "/bridge/services", null, null), 401, "unauthorized");
    assertJsonError(mesh.call("POST", "/bridge/request", new JsonObject().put("address", "mesh.echo"), "Basic x"),
        401, "unauthorized");
    assertEquals(0, mesh.instances("nocred"), "nothing was registered");
  }

  @Test
  void aRegisteredServiceIsRoutedThroughTheGatewayUntilItDeregisters() throws Exception {
    try (ForeignServer foreign = new ForeignServer()) {
      foreign.answer(r -> switch (r.path()) {
        case "/api/recs/nobody" -> Answer.json(404, MeshError.notFound("no user 'nobody'").toJson());
        case "/api/recs/broken" -> new Answer(500, "database on fire");
        case "/api/recs/slow" -> {
          sleep(3000); // longer than the gateway's 2 s request timeout here
          yield new Answer(200, "{}");
        }
        case "/api/recs/items" -> Answer.json(201, new JsonObject().put("stored", r.json()));
        default -> Answer.json(200, new JsonObject().put("path", r.path()).put("query", r.query()));
      });
      String id = mesh.register(new JsonObject().put("name", "recs").put("baseUrl", foreign.url())
          .put("routes", new JsonArray()
              .add(new JsonObject().put("method", "GET").put("path", "/api/recs/:userId"))
              .add(new JsonObject().put("method", "POST").put("path", "/api/recs/items"))));

      HttpResponse<String> routed = eventually(() -> mesh.call("GET", "/api/recs/u1?limit=2", null),
          r -> r.statusCode() == 200);
      assertEquals(new JsonObject().put("path", "/api/recs/u1").put("query", "limit=2"), new JsonObject(routed.body()),
          "the service gets the path and query as the client sent them");
      assertEquals(1, mesh.instances("recs"), "a registered foreign service counts in /ready");

      HttpResponse<String> created = mesh.call("POST", "/api/recs/items", new JsonObject().put("sku", "A-1"));
      assertEquals(201, created.statusCode(), "its status passes through");
      assertEquals("A-1", new JsonObject(created.body()).getJsonObject("stored").getString("sku"), "and the body");

      JsonObject notFound = assertJsonError(mesh.call("GET", "/api/recs/nobody", null), 404, "not_found");
      assertEquals("no user 'nobody'", notFound.getString("message"), "an error in the mesh's shape is kept");
      JsonObject broken = assertJsonError(mesh.call("GET", "/api/recs/broken", null), 500, "internal");
      assertEquals("database on fire", broken.getString("message"), "any other error body becomes the message");
      // a heartbeat first: the slow call takes 2 s, and a loaded machine must not let the registration lapse
      // (forgotten 4 s after its last heartbeat here) before it is deregistered below
      assertEquals(200, mesh.call("PUT", "/bridge/services/" + id + "/heartbeat", null).statusCode());
      assertJsonError(mesh.call("GET", "/api/recs/slow", null), 504, "timeout");

      assertEquals(204, mesh.call("DELETE", "/bridge/services/" + id, null).statusCode());
      assertJsonError(eventually(() -> mesh.call("GET", "/api/recs/u1", null), r -> r.statusCode() == 503),
          503, "unavailable");
      assertEquals(0, mesh.instances("recs"));
      assertJsonError(mesh.call("DELETE", "/bridge/services/" + id, null), 404, "not_found");
    }
  }

  @Test
  void messagesToItsAddressesArePostedToItAndItsAnswerIsTheReply() throws Exception {
    try (ForeignServer foreign = new ForeignServer()) {
      foreign.answer(r -> {
        JsonObject envelope = r.json();
        return switch (String.valueOf(envelope.getString("action"))) {
          case "quote" -> Answer.json(200, new JsonObject().put("sku", envelope.getJsonObject("body").getString("sku"))
              .put("priceCents", 4200));
          case "missing" -> Answer.json(404, MeshError.notFound("no such sku").toJson());
          case "overloaded" -> new Answer(503, "try later");
          default -> new Answer(200, "");
        };
      });
      mesh.register(new JsonObject().put("name", "pricing").put("baseUrl", foreign.url())
          .put("addresses", new JsonArray().add("mesh.pricing")));

      Message<Object> reply = TestCluster.await(mesh.serviceNode.eventBus().request("mesh.pricing",
          new JsonObject().put("sku", "A-1"), new DeliveryOptions().addHeader("action", "quote")));
      assertEquals(new JsonObject().put("sku", "A-1").put("priceCents", 4200), reply.body());
      assertEquals("200", reply.headers().get("status"));

      ForeignServer.Received posted = foreign.next("/mesh/messages", Duration.ofSeconds(5));
      assertEquals("POST", posted.method());
      JsonObject envelope = posted.json();
      assertEquals("mesh.pricing", envelope.getString("address"));
      assertEquals("quote", envelope.getString("action"));
      assertEquals("quote", posted.headers().getFirst("X-Mesh-Action"));
      assertTrue(envelope.getBoolean("replyExpected"));
      assertTrue(envelope.getLong("deadline") > System.currentTimeMillis() - 60_000, "a reply deadline in epoch ms");
      assertTrue(envelope.getLong("timeoutMs") > 0);

      ReplyException missing = failureOf("mesh.pricing", "missing");
      assertEquals(404, missing.failureCode(), "a foreign 4xx is a ReplyException with that code");
      assertEquals("not_found", new JsonObject(missing.getMessage()).getString("error"));
      ReplyException overloaded = failureOf("mesh.pricing", "overloaded");
      assertEquals(503, overloaded.failureCode(), "a foreign 5xx too");
      assertEquals("try later", new JsonObject(overloaded.getMessage()).getString("message"));

      // and the same through the bridge's own call, as a foreign service would call another
      HttpResponse<String> viaBridge = mesh.call("POST", "/bridge/request", new JsonObject()
          .put("address", "mesh.pricing").put("action", "quote").put("body", new JsonObject().put("sku", "B-2")));
      assertEquals(200, viaBridge.statusCode(), viaBridge.body());
      assertEquals("B-2", new JsonObject(viaBridge.body()).getString("sku"));
    }
  }

  @Test
  void aForeignServiceCallsJavaServicesSendsAndPublishes() throws Exception {
    HttpResponse<String> echoed = mesh.call("POST", "/bridge/request", new JsonObject()
        .put("address", "mesh.echo").put("action", "echo").put("body", new JsonObject().put("a", 1)));
    assertEquals(201, echoed.statusCode(), "the reply's status travels: " + echoed.body());
    assertEquals(new JsonObject().put("a", 1).put("echoed", true), new JsonObject(echoed.body()));

    assertJsonError(mesh.call("POST", "/bridge/request", new JsonObject().put("address", "mesh.echo")
        .put("action", "missing")), 404, "not_found");
    assertJsonError(mesh.call("POST", "/bridge/request", new JsonObject().put("address", "mesh.nobody")), 503,
        "unavailable");
    assertJsonError(mesh.call("POST", "/bridge/request", new JsonObject().put("address", "mesh.echo")
        .put("timeoutMs", "soon")), 400, "invalid");
    assertJsonError(mesh.call("POST", "/bridge/request", new JsonObject().put("body", new JsonObject())), 400,
        "invalid");

    BlockingQueue<Message<Object>> received = new LinkedBlockingQueue<>();
    TestCluster.await(mesh.serviceNode.eventBus().consumer("mesh.sink", received::add).completion());
    TestCluster.await(mesh.serviceNode.eventBus().consumer("events.sink.happened", received::add).completion());

    HttpResponse<String> sent = mesh.call("POST", "/bridge/send", new JsonObject().put("address", "mesh.sink")
        .put("action", "note").put("headers", new JsonObject().put("trace", "t-1"))
        .put("body", new JsonObject().put("n", 1)));
    assertEquals(202, sent.statusCode(), sent.body());
    Message<Object> note = received.poll(5, TimeUnit.SECONDS);
    assertNotNull(note, "sent message arrives");
    assertEquals("note", note.headers().get("action"));
    assertEquals("t-1", note.headers().get("trace"));
    assertEquals(1, ((JsonObject) note.body()).getInteger("n"));

    assertEquals(202, mesh.call("POST", "/bridge/publish", new JsonObject().put("address", "events.sink.happened")
        .put("body", new JsonObject().put("eventId", "e-1"))).statusCode());
    Message<Object> event = received.poll(5, TimeUnit.SECONDS);
    assertNotNull(event, "published event arrives");
    assertEquals("e-1", ((JsonObject) event.body()).getString("eventId"));
  }

  @Test
  void aServiceThatStopsHeartbeatingIsMarkedDownThenForgotten() throws Exception {
    try (ForeignServer foreign = new ForeignServer()) {
      foreign.answer(r -> Answer.json(200, new JsonObject().put("pong", true)));
      String id = mesh.register(new JsonObject().put("name", "quiet").put("baseUrl", foreign.url())
          .put("routes", new JsonArray().add(new JsonObject().put("method", "GET").put("path", "/api/quiet/ping")))
          .put("addresses", new JsonArray().add("mesh.quiet")));
      eventually(() -> mesh.call("GET", "/api/quiet/ping", null), r -> r.statusCode() == 200);

      // heartbeats keep it up well past the timeout (1.5 s here)
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
      while (System.nanoTime() < until) {
        HttpResponse<String> beat = mesh.call("PUT", "/bridge/services/" + id + "/heartbeat", null);
        assertEquals(200, beat.statusCode(), beat.body());
        Thread.sleep(300);
      }
      assertEquals(200, mesh.call("GET", "/api/quiet/ping", null).statusCode(), "still up while it heartbeats");

      // silence: down within seconds, routes 503, record gone, messages refused at once
      assertJsonError(eventually(() -> mesh.call("GET", "/api/quiet/ping", null), r -> r.statusCode() == 503),
          503, "unavailable");
      assertEquals(0, mesh.instances("quiet"), "its record is gone from the registry");
      eventually(() -> mesh.call("POST", "/bridge/request", new JsonObject().put("address", "mesh.quiet")),
          r -> r.statusCode() == 503);

      // a heartbeat in time brings it back
      assertEquals(200, mesh.call("PUT", "/bridge/services/" + id + "/heartbeat", null).statusCode());
      eventually(() -> mesh.call("GET", "/api/quiet/ping", null), r -> r.statusCode() == 200);

      // after the forget time (4 s here) its id is unknown: the service must register again
      eventually(() -> mesh.call("GET", "/bridge/services", null), r -> !r.body().contains(id));
      assertJsonError(mesh.call("PUT", "/bridge/services/" + id + "/heartbeat", null), 404, "not_found");
    }
  }

  @Test
  void aHealthUrlThatAnswersKeepsAServiceAliveWithoutHeartbeats() throws Exception {
    try (ForeignServer foreign = new ForeignServer()) {
      AtomicInteger healthStatus = new AtomicInteger(200);
      foreign.answer(r -> r.path().equals("/health") ? new Answer(healthStatus.get(), "{}")
          : Answer.json(200, new JsonObject().put("ok", true)));
      mesh.register(new JsonObject().put("name", "checked").put("baseUrl", foreign.url())
          .put("healthUrl", foreign.url() + "/health")
          .put("routes", new JsonArray().add(new JsonObject().put("method", "GET").put("path", "/api/checked"))));
      eventually(() -> mesh.call("GET", "/api/checked", null), r -> r.statusCode() == 200);
      foreign.forget();
      for (int i = 0; i < 10; i++) {
        foreign.next("/health", Duration.ofSeconds(5)); // 10 checks: about twice the heartbeat timeout
      }
      assertEquals(200, mesh.call("GET", "/api/checked", null).statusCode(), "health checks kept it up");

      healthStatus.set(503);
      eventually(() -> mesh.call("GET", "/api/checked", null), r -> r.statusCode() == 503);
      assertEquals(0, mesh.instances("checked"));
    }
  }

  @Test
  void addressesOutsideTheRulesAreRefusedWithTheAddressNamed() throws Exception {
    JsonObject refused = assertJsonError(mesh.call("POST", "/bridge/send",
        new JsonObject().put("address", "internal.secrets")), 403, "forbidden");
    assertTrue(refused.getString("message").contains("'internal.secrets'"), refused.encode());
    assertTrue(refused.getString("message").contains("BRIDGE_ALLOW_SEND"), refused.encode());
    assertJsonError(mesh.call("POST", "/bridge/request", new JsonObject().put("address", "vertx.discovery.announce")),
        403, "forbidden");
    assertJsonError(mesh.call("POST", "/bridge/publish", new JsonObject().put("address", "mesh.echo")), 403,
        "forbidden");
    assertJsonError(mesh.call("GET", "/bridge/events?address=mesh.echo", null), 403, "forbidden");
    assertJsonError(mesh.call("POST", "/bridge/subscriptions", new JsonObject().put("address", "mesh.echo")
        .put("url", "http://127.0.0.1:9/hook")), 403, "forbidden");
    assertJsonError(mesh.call("GET", "/bridge/events?address=events.nothing.*", null), 400, "bad_request");

    String baseUrl = "http://127.0.0.1:9";
    JsonObject serving = assertJsonError(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "thief")
        .put("baseUrl", baseUrl).put("addresses", new JsonArray().add("events.order.confirmed"))), 400, "invalid");
    assertTrue(serving.getJsonObject("fields").getString("addresses").contains("BRIDGE_ALLOW_SERVE"));
    assertJsonError(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "thief").put("baseUrl", baseUrl)
        .put("addresses", new JsonArray().add("mesh.echo"))), 409, "conflict");
    assertJsonError(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "echo").put("baseUrl", baseUrl)),
        409, "conflict");
    JsonObject routes = assertJsonError(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "thief")
        .put("baseUrl", baseUrl).put("routes", new JsonArray()
            .add(new JsonObject().put("method", "GET").put("path", "/api/echo/:id")))), 400, "invalid");
    assertTrue(routes.getJsonObject("fields").containsKey("routes"), "routes live under /api/<own name>");
    JsonObject bad = assertJsonError(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "Bad Name")),
        400, "invalid");
    assertEquals(java.util.Set.of("name", "baseUrl"), bad.getJsonObject("fields").fieldNames());
    assertEquals(0, mesh.instances("thief"));
  }

  @Test
  void aForeignServiceTakesNoJavaServicesNameOrAddressNotEvenAnInstancesOwnOrWhileItIsDown() throws Exception {
    String baseUrl = "http://127.0.0.1:9";
    // an instance's own address is where the gateways route: whoever's it would be, the mesh makes those
    assertJsonError(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "thief").put("baseUrl", baseUrl)
        .put("addresses", new JsonArray().add("mesh.echo.instance.0f3c"))), 403, "forbidden");
    assertJsonError(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "thief").put("baseUrl", baseUrl)
        .put("addresses", new JsonArray().add("mesh.thief.instance.1"))), 403, "forbidden");
    assertJsonError(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "thief").put("baseUrl", baseUrl)
        .put("addresses", new JsonArray().add("mesh.echo.admin"))), 409, "conflict");
    // a Java service whose only instance marked itself DOWN (its database is away, say) keeps its name
    Registry registry = Registry.create(mesh.serviceNode, MeshConfig.of(mesh.cluster.settings()));
    try {
      Record sleeper = TestCluster.await(registry.publish(registry.newRecord("sleeper", "mesh.sleeper", "s-1", "1.0")));
      TestCluster.await(registry.mark(sleeper.getRegistration(), Status.DOWN, "its database is away"));
      Eventually.await(Duration.ofSeconds(10), "the gateway sees the sleeper DOWN",
          () -> mesh.call("POST", "/bridge/services", new JsonObject().put("name", "sleeper").put("baseUrl", baseUrl))
              .statusCode() == 409);
      assertJsonError(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "thief").put("baseUrl", baseUrl)
          .put("addresses", new JsonArray().add("mesh.sleeper"))), 409, "conflict");
    } finally {
      TestCluster.await(registry.unpublishAll());
      registry.close();
    }
    assertEquals(0, mesh.instances("thief"));
  }

  @Test
  void aWebhookIsRetriedAndAnEventItNeverTakesBecomesADeadLetter() throws Exception {
    try (ForeignServer hooks = new ForeignServer()) {
      AtomicInteger flakyCalls = new AtomicInteger();
      hooks.answer(r -> r.path().equals("/flaky") && flakyCalls.incrementAndGet() >= 3 ? new Answer(200, "")
          : new Answer(500, "not now"));
      HttpResponse<String> flaky = mesh.call("POST", "/bridge/subscriptions", new JsonObject()
          .put("address", "events.test.flaky").put("url", hooks.url() + "/flaky"));
      assertEquals(201, flaky.statusCode(), flaky.body());
      String flakyId = new JsonObject(flaky.body()).getString("id");
      HttpResponse<String> dead = mesh.call("POST", "/bridge/subscriptions", new JsonObject()
          .put("address", "events.test.dead").put("url", hooks.url() + "/dead"));
      assertEquals(201, dead.statusCode(), dead.body());
      BlockingQueue<JsonObject> published = new LinkedBlockingQueue<>();
      TestCluster.await(mesh.serviceNode.eventBus().<JsonObject>consumer(DeadLetters.ADDRESS,
          m -> published.add(m.body())).completion());

      mesh.serviceNode.eventBus().publish("events.test.flaky", new JsonObject().put("eventId", "f-1"));
      for (int attempt = 1; attempt <= 3; attempt++) {
        ForeignServer.Received delivery = hooks.next("/flaky", Duration.ofSeconds(5));
        assertEquals(Integer.toString(attempt), delivery.headers().getFirst("X-Mesh-Attempt"));
        JsonObject event = delivery.json();
        assertEquals("events.test.flaky", event.getString("address"));
        assertEquals("f-1", event.getJsonObject("body").getString("eventId"));
        assertEquals(flakyId, event.getString("subscription"));
        assertEquals(attempt, event.getInteger("attempt"));
      }

      mesh.serviceNode.eventBus().publish("events.test.dead", new JsonObject().put("eventId", "d-1"));
      for (int attempt = 1; attempt <= 5; attempt++) {
        hooks.next("/dead", Duration.ofSeconds(5));
      }
      JsonObject letter = published.poll(10, TimeUnit.SECONDS);
      assertNotNull(letter, "the dead letter is published on " + DeadLetters.ADDRESS);
      assertEquals(5, letter.getInteger("attempts"));
      assertEquals("d-1", letter.getJsonObject("event").getJsonObject("body").getString("eventId"));
      JsonObject listed = new JsonObject(mesh.call("GET", "/bridge/dead-letters", null).body());
      JsonArray letters = listed.getJsonArray("letters");
      assertTrue(letters.stream().map(JsonObject.class::cast)
          .anyMatch(l -> "d-1".equals(l.getJsonObject("event").getJsonObject("body").getString("eventId"))), listed.encode());
      assertFalse(letters.stream().map(JsonObject.class::cast)
          .anyMatch(l -> "f-1".equals(l.getJsonObject("event").getJsonObject("body").getString("eventId"))),
          "a delivery that succeeded on retry is no dead letter");

      assertEquals(204, mesh.call("DELETE", "/bridge/subscriptions/" + flakyId, null).statusCode());
      assertJsonError(mesh.call("DELETE", "/bridge/subscriptions/" + flakyId, null), 404, "not_found");
    }
  }

  @Test
  void everyCallToAForeignServiceCarriesTheTraceOfWhatCausedIt() throws Exception {
    try (ForeignServer foreign = new ForeignServer()) {
      mesh.register(new JsonObject().put("name", "traced").put("baseUrl", foreign.url())
          .put("addresses", new JsonArray().add("mesh.traced"))
          .put("subscriptions", new JsonArray().add("events.traced.happened")));

      // a message that expects a reply, sent through the bridge by a caller with a traceparent of its own
      String asked = traceparent();
      eventually(() -> callTraced("/bridge/request", new JsonObject().put("address", "mesh.traced")
          .put("action", "ask"), asked), r -> r.statusCode() == 200);
      assertContinues(asked, postOf(foreign, "/mesh/messages", "action", "ask"));

      // a message that expects no reply and an event for its webhook, from traced work in another JVM's
      // node: there the span of the message's receipt ends before the gateway's post begins
      String told = traceparent();
      inTrace(told, () -> mesh.serviceNode.eventBus().send("mesh.traced", new JsonObject(),
          new DeliveryOptions().addHeader("action", "tell")));
      assertContinues(told, postOf(foreign, "/mesh/messages", "action", "tell"));

      String announced = traceparent();
      inTrace(announced, () -> mesh.serviceNode.eventBus().publish("events.traced.happened",
          new JsonObject().put("eventId", "t-1")));
      assertContinues(announced, postOf(foreign, Registration.EVENTS_PATH, "eventId", "t-1"));
    }
  }

  /**
   * The first post to the path whose envelope (or, for an event, its body) has the field's value: a call
   * the test repeated while the bridge was not ready yet may have been posted too.
   */
  private static ForeignServer.Received postOf(ForeignServer foreign, String path, String field, String value)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      ForeignServer.Received posted = foreign.next(path, Duration.ofNanos(deadline - System.nanoTime()));
      JsonObject envelope = posted.json();
      JsonObject body = envelope.getJsonObject("body", new JsonObject());
      if (value.equals(envelope.getString(field)) || value.equals(body.getString(field))) {
        return posted;
      }
    }
    throw new AssertionError("no post to " + path + " with " + field + " " + value);
  }

  /** Runs on the service node as part of the given trace, as a traced handler there would. */
  private static void inTrace(String traceparent, Runnable work) {
    ContextInternal traced = ((ContextInternal) mesh.serviceNode.getOrCreateContext()).duplicate();
    VertxContextStorage.INSTANCE.attach(traced,
        io.opentelemetry.context.Context.root().with(Span.wrap(MeshTracing.parse(traceparent))));
    traced.runOnContext(v -> work.run());
  }

  private static String traceparent() {
    byte[] ids = new byte[24];
    ThreadLocalRandom.current().nextBytes(ids);
    String hex = HexFormat.of().formatHex(ids);
    return "00-" + hex.substring(0, 32) + "-" + hex.substring(32) + "-01";
  }

  private static HttpResponse<String> callTraced(String path, JsonObject body, String traceparent) throws Exception {
    return mesh.http().send(HttpRequest.newBuilder(URI.create(mesh.gateway + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + BridgeFixture.SECRET)
        .header("traceparent", traceparent).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The foreign service was called in the caller's trace, under a span of the gateway's (not the caller's). */
  private static void assertContinues(String caller, ForeignServer.Received received) {
    List<String> sent = received.headers().get("traceparent");
    assertNotNull(sent, received.path() + " carries a traceparent: " + received.headers().entrySet());
    assertEquals(1, sent.size(), sent.toString());
    String[] theirs = caller.split("-");
    String[] ours = sent.get(0).split("-");
    assertEquals(theirs[1], ours[1], "the caller's trace id");
    assertFalse(theirs[2].equals(ours[2]), "a span of the gateway's as parent");
  }

  @Test
  void aRegisteredServiceReceivesTheEventsItSubscribedTo() throws Exception {
    try (ForeignServer foreign = new ForeignServer()) {
      mesh.register(new JsonObject().put("name", "listener").put("baseUrl", foreign.url())
          .put("subscriptions", new JsonArray().add("events.order.confirmed")));
      mesh.serviceNode.eventBus().publish("events.order.confirmed",
          new JsonObject().put("eventId", "o-1").put("orderId", "1").put("status", "CONFIRMED"));
      JsonObject event = foreign.next(Registration.EVENTS_PATH, Duration.ofSeconds(5)).json();
      assertEquals("events.order.confirmed", event.getString("address"));
      assertEquals("o-1", event.getJsonObject("body").getString("eventId"));
    }
  }

  @Test
  void anEventStreamPushesEventsToAnyHttpClient() throws Exception {
    try (Stream<String> sse = openStream("/bridge/events?address=events.echo.*")) {
      Iterator<String> lines = sse.iterator();
      String first = lines.next();
      assertTrue(first.startsWith(": {\"subscribed\""), first);
      assertTrue(first.contains("events.echo.said") && first.contains("events.echo.forgot"),
          "a pattern covers the event addresses the services declare: " + first);
      mesh.serviceNode.eventBus().publish("events.echo.said", new JsonObject().put("eventId", "s-1"));
      String event = nextNonBlank(lines);
      while (!event.startsWith("event:")) {
        event = nextNonBlank(lines);
      }
      assertEquals("event: events.echo.said", event);
      String data = lines.next();
      assertTrue(data.startsWith("data: "), data);
      assertEquals("s-1", new JsonObject(data.substring(6)).getJsonObject("body").getString("eventId"));
    }

    try (Stream<String> ndjson = openStream("/bridge/events?address=events.order.rejected&format=ndjson")) {
      Iterator<String> lines = ndjson.iterator();
      assertEquals(new JsonArray().add("events.order.rejected"),
          new JsonObject(lines.next()).getJsonArray("subscribed"));
      mesh.serviceNode.eventBus().publish("events.order.rejected", new JsonObject().put("eventId", "n-1"));
      JsonObject event = new JsonObject(nextNonBlank(lines));
      assertEquals("events.order.rejected", event.getString("address"));
      assertEquals("n-1", event.getJsonObject("body").getString("eventId"));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Stream<String> openStream(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(mesh.gateway + path))
        .header("Authorization", "Bearer " + BridgeFixture.SECRET).GET().build();
    CompletableFuture<HttpResponse<Stream<String>>> response =
        mesh.http().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
    HttpResponse<Stream<String>> opened = response.get(10, TimeUnit.SECONDS);
    assertEquals(200, opened.statusCode());
    return opened.body();
  }

  private static String nextNonBlank(Iterator<String> lines) {
    String line = lines.next();
    while (line.isBlank()) {
      line = lines.next();
    }
    return line;
  }

  private static ReplyException failureOf(String address, String action) {
    try {
      TestCluster.await(mesh.serviceNode.eventBus().request(address, new JsonObject(),
          new DeliveryOptions().addHeader("action", action)));
    } catch (IllegalStateException e) {
      Throwable cause = e.getCause();
      while (cause != null && !(cause instanceof ReplyException)) {
        cause = cause.getCause();
      }
      if (cause != null) {
        return (ReplyException) cause;
      }
      throw e;
    }
    throw new AssertionError(action + " on " + address + " should have failed");
  }
}
