package dev.mesh.tests;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.common.testing.Tokens;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The mesh as a user runs it: each service's fat jar in its own JVM, started and stopped by pid.
 * Everything this class starts, it stops; PostgreSQL servers orphaned by a kill -9 are stopped through
 * the pid file in their (test-owned) data directory.
 */
final class MeshProcesses implements AutoCloseable {

  static final List<String> SERVICES = List.of("gateway-verticle", "user-verticle", "inventory-verticle",
      "order-verticle");

  private final Path root = Path.of("..").toAbsolutePath().normalize();
  private final Map<String, String> env;
  private final Path logs;
  private final Path dataDir;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  /** How each foreign service was started, to start it again. */
  private final Map<String, String[]> foreignCommands = new LinkedHashMap<>();
  private final Map<String, Integer> healthPorts = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final String gateway;
  /** Tokens from the key this mesh's gateway verifies with: {@code mesh.tokens.mint("user-id")}. */
  final Tokens tokens;
  private final String operator;

  /** The value of {@code Authorization} that carries the operator's token (every role), for clients of a test's own. */
  String operator() {
    return operator;
  }

  /** The value of {@code Authorization} to send no credential at all: {@code post(path, body, AUTHORIZATION, ANONYMOUS)}. */
  static final String AUTHORIZATION = "Authorization";
  static final String ANONYMOUS = "";

  MeshProcesses(JsonObject settings, Path dataDir, int gatewayPort) throws IOException {
    this.dataDir = dataDir;
    this.env = new LinkedHashMap<>();
    settings.forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    env.put("MESH_DATA_DIR", dataDir.toString());
    env.put("GATEWAY_PORT", Integer.toString(gatewayPort));
    // the gateway's TCP bridge defaults to port 7000, which a mesh running beside the tests may hold
    env.putIfAbsent("BRIDGE_TCP_PORT", "-1");
    // tests about something else are not throttled by the default rate limits (a test that is sets its own)
    env.putIfAbsent("GATEWAY_RATE_LIMITS", "read=1000000/1,write=1000000/1,bridge=1000000/1");
    // and not by the per-address shield either: every request of a test comes from 127.0.0.1
    env.putIfAbsent("GATEWAY_EDGE_RATE_LIMIT", "1000000/1");
    this.gateway = "http://127.0.0.1:" + gatewayPort;
    this.tokens = env.containsKey(TestCluster.KEY_DIR) ? Tokens.ofKeyDir(Path.of(env.get(TestCluster.KEY_DIR)))
        : Tokens.of(dataDir);
    this.operator = Tokens.bearer(tokens.admin());
    this.logs = Path.of("target", "mesh-logs").toAbsolutePath();
    Files.createDirectories(logs);
  }

  /** A mesh of the four JVMs under a test cluster of its own, ready (bounded: 180 s). */
  static MeshProcesses ready(JsonObject settings, Path dataDir) throws IOException, InterruptedException {
    MeshProcesses mesh = new MeshProcesses(settings, dataDir, TestCluster.freePort());
    mesh.startAll();
    mesh.awaitReady(Duration.ofSeconds(180));
    return mesh;
  }

  /** Gives every service JVM a health port of its own ({@code GET /health}, {@code /metrics}); call before starting. */
  Map<String, Integer> withHealthPorts() {
    SERVICES.forEach(service -> healthPorts.put(service, dev.mesh.common.testing.TestCluster.freePort()));
    return Map.copyOf(healthPorts);
  }

  void startAll() throws IOException {
    for (String service : SERVICES) {
      start(service);
    }
  }

  Process start(String service) throws IOException {
    Map<String, String> health = healthPorts.containsKey(service)
        ? Map.of("MESH_HEALTH_PORT", Integer.toString(healthPorts.get(service)))
        : Map.of();
    return startInstance(service, service, health);
  }

  /**
   * One more instance of a service: its fat jar in a JVM of its own, kept under {@code key} (several
   * instances of one service each get a key of their own), with {@code extraEnv} on top of the mesh's
   * settings (e.g. another GATEWAY_PORT, a PostgreSQL URI). Logs in target/mesh-logs/<key>.log.
   */
  Process startInstance(String key, String module, Map<String, String> extraEnv) throws IOException {
    Path jar = root.resolve(module).resolve("target").resolve(module + ".jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn -B verify from the repository root");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-jar", jar.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(key + ".log").toFile()));
    builder.environment().putAll(env);
    builder.environment().putAll(extraEnv);
    Process process = builder.start();
    processes.put(key, process);
    return process;
  }

  /** The mesh's data directory (each service's embedded PostgreSQL lives in {@code <dir>/<service>/pg}). */
  Path dataDir() {
    return dataDir;
  }

  /** The pid of the live embedded PostgreSQL of a service, from its own pid file. */
  long postgresPid(String service) throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve(service).resolve("pg").resolve("postmaster.pid"))
        .get(0).trim());
  }

  /** A GET to any gateway of this mesh, e.g. a second one on a port of its own (same data dir: same key). */
  HttpResponse<String> getAt(String gatewayUrl, String path) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gatewayUrl + path)).timeout(Duration.ofSeconds(10))
        .GET();
    return http.send(authorize(request, null).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A service in another language (examples/), as a child process joining through the bridge of this
   * mesh's gateway on a free port of its own; logs in target/mesh-logs/<name>.log.
   */
  Process startForeign(String name, String... command) throws IOException {
    foreignCommands.put(name, command);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(root.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()));
    builder.environment().put("MESH_GATEWAY", gateway);
    builder.environment().put("PORT", "0");
    if (env.containsKey("BRIDGE_SECRET")) {
      builder.environment().put("BRIDGE_SECRET", env.get("BRIDGE_SECRET"));
    }
    Process process = builder.start();
    processes.put(name, process);
    return process;
  }

  HttpResponse<String> send(String method, String path, String jsonBody, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(10))
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(jsonBody))
        .header("Content-Type", "application/json");
    headers.forEach((name, value) -> {
      if (!name.equalsIgnoreCase(AUTHORIZATION)) {
        request.header(name, value);
      }
    });
    authorize(request, headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(AUTHORIZATION))
        .map(Map.Entry::getValue).findFirst().orElse(null));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  Process process(String service) {
    return processes.get(service);
  }

  /**
   * Starts again every service (JVM or foreign) of this mesh that is no longer running, so that a test
   * which stopped or killed one leaves the next test a whole mesh. The names it started; the caller waits
   * for them (for JVMs, {@link #awaitReady}).
   */
  List<String> restartStopped() throws IOException {
    List<String> stopped = processes.entrySet().stream().filter(p -> !p.getValue().isAlive())
        .map(Map.Entry::getKey).toList();
    for (String name : stopped) {
      if (foreignCommands.containsKey(name)) {
        startForeign(name, foreignCommands.get(name));
      } else {
        start(name);
      }
    }
    return stopped;
  }

  HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(timeout).GET();
    return http.send(authorize(request, null).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return get(path, Duration.ofSeconds(15));
  }

  /** A GET as the holder of {@code token} ({@link #ANONYMOUS}: none). */
  HttpResponse<String> getAs(String token, String path) throws IOException, InterruptedException {
    return send("GET", path, null, Map.of(AUTHORIZATION, token.isEmpty() ? ANONYMOUS : Tokens.bearer(token)));
  }

  /** A JSON POST; {@code headers} alternate name and value. */
  HttpResponse<String> post(String path, JsonObject body, String... headers) throws IOException, InterruptedException {
    return http.send(postRequest(path, body, headers), HttpResponse.BodyHandlers.ofString());
  }

  java.util.concurrent.CompletableFuture<HttpResponse<String>> postAsync(String path, JsonObject body, String... headers) {
    return http.sendAsync(postRequest(path, body, headers), HttpResponse.BodyHandlers.ofString());
  }

  /** Any method with a raw body, for what a careless or hostile client may send. */
  HttpResponse<String> send(String method, String path, String rawBody) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/json")
        .method(method, rawBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(rawBody));
    return http.send(authorize(request, null).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest postRequest(String path, JsonObject body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    String authorization = null;
    for (int i = 0; i + 1 < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase(AUTHORIZATION)) {
        authorization = headers[i + 1];
      } else {
        request.header(headers[i], headers[i + 1]);
      }
    }
    return authorize(request, authorization).build();
  }

  /**
   * The mesh is secure by default: a request without an Authorization of its own goes as the operator
   * (an admin token), so tests about something else need no ceremony; {@link #ANONYMOUS} sends none.
   */
  private HttpRequest.Builder authorize(HttpRequest.Builder request, String authorization) {
    if (authorization == null) {
      request.header(AUTHORIZATION, operator);
    } else if (!authorization.isEmpty()) {
      request.header(AUTHORIZATION, authorization);
    }
    return request;
  }

  /** The /ready body once it answers 200 (bounded: start-up of 4 JVMs and 3 PostgreSQL servers). */
  JsonObject awaitReady(Duration bound) throws InterruptedException {
    HttpResponse<String> ready = Eventually.await(bound, "the mesh ready", () -> {
      for (Map.Entry<String, Process> p : processes.entrySet()) {
        if (!p.getValue().isAlive()) { // it will not become ready: say why at once
          throw new AssertionError(p.getKey() + " exited with " + p.getValue().exitValue()
              + "; see " + logs.resolve(p.getKey() + ".log"));
        }
      }
      return get("/ready", Duration.ofSeconds(2));
    }, answer -> answer.statusCode() == 200);
    return new JsonObject(ready.body());
  }

  /** SIGTERM to every JVM still running, a bounded wait, then SIGKILL; then any orphaned PostgreSQL. */
  @Override
  public void close() throws Exception {
    List<Process> stopping = new ArrayList<>();
    processes.values().stream().filter(Process::isAlive).forEach(p -> {
      p.destroy();
      stopping.add(p);
    });
    for (Process p : stopping) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    stopOrphanedPostgres();
  }

  private void stopOrphanedPostgres() throws IOException {
    if (!Files.isDirectory(dataDir)) {
      return;
    }
    try (var pidFiles = Files.walk(dataDir, 3)) {
      for (Path pidFile : pidFiles.filter(f -> f.getFileName().toString().equals("postmaster.pid")).toList()) {
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroy);
      }
    }
  }
}
