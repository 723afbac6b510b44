package dev.mesh.common.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.MeshConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A node's own scrape: Vert.x and JVM meters, each node its own registry, and lint-clean for Prometheus. */
class MeshMetricsTest {

  @Test
  void aNodeExposesVertxAndJvmMetersThatPromtoolFindsClean() throws Exception {
    try (Node node = meshNode(new JsonObject())) {
      Vertx vertx = node.vertx();
      PrometheusMeterRegistry registry = node.registry();
      vertx.eventBus().consumer("test.address", m -> m.reply("pong"));
      vertx.eventBus().request("test.address", "ping").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertTrue(MeshMetrics.registry(vertx) == registry && MeshMetrics.enabled(vertx));
      String scrape = registry.scrape();
      assertTrue(scrape.contains("vertx_eventbus_processed_total{address=\"test.address\""), scrape);
      assertTrue(scrape.contains("jvm_memory_used_bytes"), scrape);
      assertTrue(scrape.contains("jvm_gc_"), scrape);
      if (Files.isExecutable(Path.of("/usr/bin/promtool"))) {
        Process check = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String findings = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals("", findings.strip());
        assertEquals(0, check.exitValue());
      }
    }
  }

  @Test
  void vertxMeterDomainsCanBeLeftOut() throws Exception {
    try (Node node = meshNode(new JsonObject().put(MeshMetrics.DISABLED_DOMAINS, " HTTP_server, http_client "))) {
      Vertx vertx = node.vertx();
      PrometheusMeterRegistry registry = node.registry();
      HttpServer server = vertx.createHttpServer().requestHandler(r -> r.response().end("ok"))
          .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      HttpClient client = vertx.createHttpClient();
      String body = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
          .compose(request -> request.send().compose(response -> response.body()))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
      assertEquals("ok", body);
      vertx.eventBus().consumer("test.address", m -> m.reply("pong"));
      vertx.eventBus().request("test.address", "ping").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      String scrape = registry.scrape();
      assertFalse(scrape.contains("vertx_http_server_"), scrape);
      assertFalse(scrape.contains("vertx_http_client_"), scrape);
      // the other domains stay: the event bus, the worker pools
      assertTrue(scrape.contains("vertx_pool_usage_seconds"), scrape);
      assertTrue(scrape.contains("vertx_eventbus_processed_total{address=\"test.address\""), scrape);
    }
  }

  @Test
  void vertxHttpMetersReadAsVertxMicrometersOwn() throws Exception {
    // the same exchanges through a mesh node and a node with vertx-micrometer's own HTTP meters, same options
    String meshSeries = httpSeries(meshNode(new JsonObject()));
    PrometheusMeterRegistry library = MeshMetrics.newRegistry();
    VertxOptions libraryOptions = new VertxOptions().setMetricsOptions(MeshMetrics.options(MeshConfig.of(new JsonObject())));
    String librarySeries = httpSeries(new Node(Vertx.builder().with(libraryOptions)
        .withMetrics(new MicrometerMetricsFactory(library)).build(), library));
    assertTrue(meshSeries.contains("vertx_http_server_requests_total{code=\"404\",method=\"GET\"} 1.0"), meshSeries);
    assertTrue(meshSeries.contains("vertx_http_client_responses_total{client_name=\"\",code=\"201\",method=\"POST\"} 2.0"),
        meshSeries);
    assertEquals(librarySeries, meshSeries);
  }

  @Test
  void madeUpMethodsShareOneSeries() throws Exception {
    try (Node node = meshNode(new JsonObject())) {
      Vertx vertx = node.vertx();
      PrometheusMeterRegistry registry = node.registry();
      HttpServer server = vertx.createHttpServer().requestHandler(r -> r.response().setStatusCode(405).end())
          .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      HttpClient client = vertx.createHttpClient();
      for (String method : new String[] {"BREW", "WHEN", "BREW"}) {
        int status = client.request(HttpMethod.valueOf(method), server.actualPort(), "127.0.0.1", "/")
            .compose(request -> request.send().map(response -> response.statusCode()))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(405, status);
      }
      String scrape = registry.scrape();
      assertTrue(scrape.contains("vertx_http_server_requests_total{code=\"405\",method=\"OTHER\"} 3.0"), scrape);
      assertTrue(scrape.contains("vertx_http_client_requests_total{client_name=\"\",method=\"OTHER\"} 3.0"), scrape);
      assertFalse(scrape.contains("BREW") || scrape.contains("WHEN"), scrape);
    }
  }

  /** A node and its registry; closing it closes the node. */
  private record Node(Vertx vertx, PrometheusMeterRegistry registry) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** A node built as the mesh builds its nodes, with metrics on. */
  private static Node meshNode(JsonObject settings) {
    VertxOptions options = new VertxOptions();
    VertxBuilder builder = Vertx.builder();
    PrometheusMeterRegistry registry = MeshMetrics.enable(MeshConfig.of(settings), options, builder);
    Vertx vertx = builder.with(options).build();
    MeshMetrics.attach(vertx, registry);
    return new Node(vertx, registry);
  }

  /**
   * Serves three kinds of requests to the node's own client and returns its vertx_http_ series: help, type,
   * name and labels of each, with the value of each that does not depend on timing (counts, sizes, active).
   */
  private static String httpSeries(Node node) throws Exception {
    try (node) {
      Vertx vertx = node.vertx();
      HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
        if (request.method() == HttpMethod.POST) {
          request.response().setStatusCode(201).end("made " + body);
        } else {
          request.response().setStatusCode(request.path().equals("/") ? 200 : 404).end("seen");
        }
      })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      HttpClient client = vertx.createHttpClient();
      String[][] exchanges = {{"GET", "/"}, {"GET", "/"}, {"GET", "/"}, {"POST", "/things"}, {"POST", "/things"},
          {"GET", "/missing"}};
      for (String[] exchange : exchanges) {
        client.request(HttpMethod.valueOf(exchange[0]), server.actualPort(), "127.0.0.1", exchange[1])
            .compose(request -> request.send("a thing").compose(response -> response.body()))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      return node.registry().scrape().lines()
          .filter(line -> line.matches("(# (HELP|TYPE) )?vertx_http_.*"))
          .map(line -> line.startsWith("#") || line.matches(
              "\\S+(_total|_count|_bytes_sum|_active_requests)\\{.*") ? line : line.substring(0, line.lastIndexOf(' ')))
          .filter(line -> !line.startsWith("vertx_http_client_active_connections"))
          .sorted().collect(Collectors.joining("\n"));
    }
  }

  @Test
  void anUnknownMeterDomainStopsTheStart() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> MeshMetrics.enable(
        MeshConfig.of(new JsonObject().put(MeshMetrics.DISABLED_DOMAINS, "http_server,http_routes")),
        new VertxOptions(), Vertx.builder()));
    assertTrue(refused.getMessage().contains("got 'http_routes'"), refused.getMessage());
    assertTrue(refused.getMessage().contains("http_client"), refused.getMessage());
  }

  @Test
  void metricsCanBeSwitchedOff() throws Exception {
    VertxOptions options = new VertxOptions();
    VertxBuilder builder = Vertx.builder();
    assertEquals(null, MeshMetrics.enable(MeshConfig.of(new JsonObject().put(MeshMetrics.ENABLED, "false")),
        options, builder));
    Vertx vertx = builder.with(options).build();
    try {
      assertTrue(!MeshMetrics.enabled(vertx));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
