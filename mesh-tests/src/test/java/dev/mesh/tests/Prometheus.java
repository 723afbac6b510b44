package dev.mesh.tests;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus server (Debian's {@code prometheus}) as a child process on 127.0.0.1, scraping the
 * given targets every second, with its storage in a directory of the test; stopped by its pid.
 */
final class Prometheus implements AutoCloseable {

  static final String BINARY = "/usr/bin/prometheus";
  static final String PROMTOOL = "/usr/bin/promtool";

  private final Process process;
  private final String url;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Prometheus(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  /** Scrapes {@code job -> host:port} at {@code /metrics}. */
  static Prometheus scraping(Map<String, String> targets, Path dir, int port, Path log) throws IOException {
    String jobs = targets.entrySet().stream().map(t -> """
          - job_name: %s
            metrics_path: /metrics
            static_configs:
              - targets: ['%s']
        """.formatted(t.getKey(), t.getValue())).collect(Collectors.joining());
    Path config = Files.createDirectories(dir).resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
        """ + jobs);
    Process process = new ProcessBuilder(BINARY,
        "--config.file=" + config,
        "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("data")),
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    return new Prometheus(process, "http://127.0.0.1:" + port);
  }

  /** The result vector of an instant PromQL query. */
  JsonArray query(String promql) throws IOException, InterruptedException {
    URI uri = URI.create(url + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("query " + promql + " answered " + response.statusCode() + " " + response.body());
    }
    return new JsonObject(response.body()).getJsonObject("data").getJsonArray("result");
  }

  /** The single value of a query whose result is one sample, or null when there is none yet. */
  Double value(String promql) throws IOException, InterruptedException {
    JsonArray result = query(promql);
    return result.isEmpty() ? null : Double.valueOf(result.getJsonObject(0).getJsonArray("value").getString(1));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
