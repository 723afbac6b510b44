package dev.mesh.gateway.bridge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real HTTP service outside Vert.x, the way a foreign service looks to the bridge: the JDK's HTTP
 * server on 127.0.0.1, answering as the test tells it and keeping every request it received.
 */
final class ForeignServer implements AutoCloseable {

  record Received(String method, String path, String query, com.sun.net.httpserver.Headers headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  record Answer(int status, String body) {
    static Answer json(int status, JsonObject body) {
      return new Answer(status, body.encode());
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private volatile Function<Received, Answer> responder = r -> new Answer(200, "{}");

  ForeignServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void answer(Function<Received, Answer> responder) {
    this.responder = responder;
  }

  /** The next request whose path starts with the prefix (others are dropped); bounded wait. */
  Received next(String pathPrefix, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      Received r = received.poll(50, TimeUnit.MILLISECONDS);
      if (r != null && r.path().startsWith(pathPrefix)) {
        return r;
      }
    }
    throw new AssertionError("no request to " + pathPrefix + " within " + bound);
  }

  void forget() {
    received.clear();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
    received.add(request);
    Answer answer = responder.apply(request);
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", answer.body().startsWith("{") ? "application/json" : "text/plain");
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
