package dev.mesh.tests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A steady read load for fault tests: a few client threads each sending one GET after the other, each
 * request's outcome recorded with its start time. It retries nothing: a failed request is a failure.
 * Bounded: it stops by itself after {@code maxRun}.
 */
final class ReadLoad implements AutoCloseable {

  /** One request: when it started (System.nanoTime), its status (0 when no answer) and body or error. */
  record Outcome(long startedAt, long endedAt, int status, String body) {
    boolean ok() {
      return status == 200;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final List<Thread> clients = new ArrayList<>();
  private volatile boolean running = true;

  /** {@code authorization}: the value of the header every request sends (the mesh's operator token). */
  ReadLoad(Supplier<String> url, String authorization, int threads, Duration maxRun) {
    long deadline = System.nanoTime() + maxRun.toNanos();
    for (int i = 0; i < threads; i++) {
      Thread client = new Thread(() -> {
        while (running && System.nanoTime() < deadline) {
          long started = System.nanoTime();
          try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url.get())).timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            outcomes.add(new Outcome(started, System.nanoTime(), response.statusCode(), response.body()));
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            outcomes.add(new Outcome(started, System.nanoTime(), 0, e.toString()));
          }
        }
      }, "read-load-" + i);
      client.setDaemon(true);
      client.start();
      clients.add(client);
    }
  }

  ReadLoad(String url, String authorization, int threads) {
    this(() -> url, authorization, threads, Duration.ofMinutes(10));
  }

  List<Outcome> outcomes() {
    return List.copyOf(outcomes);
  }

  List<Outcome> failures() {
    return outcomes.stream().filter(o -> !o.ok()).toList();
  }

  /** Outcomes of requests started at or after {@code nanoTime}. */
  List<Outcome> startedSince(long nanoTime) {
    return outcomes.stream().filter(o -> o.startedAt() >= nanoTime).toList();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread client : clients) {
      client.join(TimeUnit.SECONDS.toMillis(15));
    }
  }
}
