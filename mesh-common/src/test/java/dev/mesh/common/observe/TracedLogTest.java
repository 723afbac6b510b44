package dev.mesh.common.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import dev.mesh.common.MeshConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Log lines carry the trace of the request they were written for, also when requests interleave on one
 * event loop (where a thread-local MDC would mix them up); and the JSON format writes them as fields.
 */
class TracedLogTest {

  private static final org.slf4j.Logger log = LoggerFactory.getLogger("traced-log-test");
  private static final org.slf4j.Logger access = LoggerFactory.getLogger("mesh.access");

  private Vertx vertx;
  private HttpServer server;
  private HttpClientAgent client;
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void startTracedServer() throws Exception {
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(1);
    VertxBuilder builder = Vertx.builder();
    MeshTracing.enable(MeshConfig.of(new JsonObject()), "test", options, builder);
    vertx = builder.with(options).build();
    // each request logs twice, the second time after the other requests had their turn on the loop
    server = await(vertx.createHttpServer().requestHandler(request -> {
      if (request.path().equals("/access")) {
        access.info("GET /access 200"); // as the gateway's RequestObserver writes its line per request
      }
      log.info("handling {}", request.path());
      vertx.setTimer(50, t -> {
        log.info("answering {}", request.path());
        request.response().end();
      });
    }).listen(0, "127.0.0.1"));
    client = vertx.createHttpClient();
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    lines.setContext(logback);
    lines.start();
    tracedAppender().addAppender(lines);
  }

  /** logback.xml's appender that adds the trace to each line before the text or JSON appender writes it. */
  @SuppressWarnings("unchecked")
  private static AppenderAttachable<ILoggingEvent> tracedAppender() {
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    return (AppenderAttachable<ILoggingEvent>) logback.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("traced");
  }

  @AfterEach
  void stop() throws Exception {
    tracedAppender().detachAppender(lines);
    await(vertx.close());
  }

  @Test
  void eachLineCarriesTheTraceOfItsOwnRequest() throws Exception {
    Map<String, String> traceOfPath = Map.of("/a", hex(16), "/b", hex(16), "/c", hex(16));
    List<Future<?>> calls = traceOfPath.entrySet().stream().<Future<?>>map(e -> client.request(new RequestOptions()
            .setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(server.actualPort()).setURI(e.getKey())
            .putHeader("traceparent", "00-" + e.getValue() + "-" + hex(8) + "-01"))
        .compose(request -> request.send()).compose(response -> response.body()))
        .toList();
    await(Future.all(calls));

    List<ILoggingEvent> ours = lines.list.stream().filter(e -> e.getLoggerName().equals("traced-log-test")).toList();
    assertEquals(6, ours.size(), ours.toString());
    for (ILoggingEvent line : ours) {
      String path = line.getFormattedMessage().split(" ")[1];
      assertEquals(traceOfPath.get(path), line.getMDCPropertyMap().get("trace_id"), line.getFormattedMessage());
      assertEquals(16, String.valueOf(line.getMDCPropertyMap().get("span_id")).length(), line.toString());
    }
    // the two lines of one request share its span; each request has its own
    Map<String, List<String>> spans = ours.stream().collect(Collectors.groupingBy(
        l -> l.getMDCPropertyMap().get("trace_id"), Collectors.mapping(l -> l.getMDCPropertyMap().get("span_id"),
            Collectors.toList())));
    spans.values().forEach(ids -> assertEquals(1, ids.stream().distinct().count(), spans.toString()));
  }

  @Test
  void theJsonFormatWritesOneObjectPerLineWithTheTrace() throws Exception {
    String trace = hex(16);
    await(client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
            .setPort(server.actualPort()).setURI("/json").putHeader("traceparent", "00-" + trace + "-" + hex(8) + "-01"))
        .compose(request -> request.send()).compose(response -> response.body()));
    ILoggingEvent line = lines.list.stream().filter(e -> e.getFormattedMessage().equals("handling /json"))
        .findFirst().orElseThrow();
    // the encoder MESH_LOG_FORMAT=json selects, configured as logback.xml configures it
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(logback);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    String encoded = new String(encoder.encode(line), StandardCharsets.UTF_8);
    assertTrue(encoded.endsWith("\n") && encoded.strip().indexOf('\n') < 0, "one line: " + encoded);
    JsonObject json = new JsonObject(encoded);
    assertEquals("handling /json", json.getString("formattedMessage"), encoded);
    assertEquals(trace, json.getJsonObject("mdc").getString("trace_id"), encoded);
  }

  @Test
  @SuppressWarnings("unchecked")
  void accessLinesGoToTheirOwnWriterWithTheTrace() throws Exception {
    // logback.xml gives the gateway's line per request an appender of its own, batched, and only that one
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    AppenderAttachable<ILoggingEvent> accessAppender =
        (AppenderAttachable<ILoggingEvent>) logback.getLogger("mesh.access").getAppender("access");
    ListAppender<ILoggingEvent> accessLines = new ListAppender<>();
    accessLines.setContext(logback);
    accessLines.start();
    accessAppender.addAppender(accessLines);
    try {
      String trace = hex(16);
      await(client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
              .setPort(server.actualPort()).setURI("/access").putHeader("traceparent", "00-" + trace + "-" + hex(8) + "-01"))
          .compose(request -> request.send()).compose(response -> response.body()));
      assertEquals(1, accessLines.list.size(), accessLines.list.toString());
      assertEquals(trace, accessLines.list.get(0).getMDCPropertyMap().get("trace_id"));
      assertTrue(lines.list.stream().noneMatch(e -> e.getLoggerName().equals("mesh.access")),
          "not written twice (through the root's appender too)");
    } finally {
      accessAppender.detachAppender(accessLines);
    }
  }

  private static String hex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
