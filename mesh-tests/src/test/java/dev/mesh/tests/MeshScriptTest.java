package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.identity.IdentityKeys;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher as an operator uses it: {@code ./mesh up --scale}, {@code token}, {@code scale},
 * {@code restart}, {@code status}, {@code down}, with a var dir, ports and a cluster of the test's own
 * (a mesh may run beside it), under a steady read load that retries nothing.
 */
class MeshScriptTest {

  private static final Logger log = LoggerFactory.getLogger(MeshScriptTest.class);
  /** Bound of one ./mesh command: a start-up on a loaded machine is slow, never endless. */
  private static final long COMMAND_BOUND_MINUTES = 5;

  private final Path root = Path.of("..").toAbsolutePath().normalize();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path varDir;

  @Test
  void scalesUsersUpAndDownAndRestartsThemOneAtATimeWithoutAFailedRequest() throws Exception {
    int port = TestCluster.freePort();
    String gateway = "http://127.0.0.1:" + port;
    Map<String, String> env = new HashMap<>();
    TestCluster.create().settings().forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    // the mesh's own keys, made in its var dir at first start, as an operator's ./mesh makes them
    env.remove(TestCluster.KEY_DIR);
    env.remove(IdentityKeys.KEY_FILE);
    env.put("MESH_VAR_DIR", varDir.toString());
    env.put("GATEWAY_PORT", Integer.toString(port));
    env.put("MESH_HEALTH_BASE_PORT", Integer.toString(TestCluster.freePort()));
    env.put("BRIDGE_TCP_PORT", "-1");
    // one caller reads for minutes: the default per-caller limit would answer 429, which is not this test's subject
    env.put("GATEWAY_RATE_LIMITS", "read=1000000/1,write=1000000/1,bridge=1000000/1");
    env.put("GATEWAY_EDGE_RATE_LIMIT", "1000000/1");
    env.put("MESH_READY_TIMEOUT", "240");
    env.put("MESH_JAVA_OPTS", "-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    try {
      long upFrom = System.nanoTime();
      String up = mesh(env, "up", "--scale", "users=2");
      long upMs = since(upFrom);
      assertTrue(up.contains("the mesh is ready"), up);
      assertEquals(2, registered(gateway, "users"));
      String status = mesh(env, "status");
      assertEquals(2, usersPids(status).size(), status);
      String operator = "Bearer " + token(env);

      try (ReadLoad load = new ReadLoad(gateway + "/api/users?limit=1", operator, 2)) {
        Eventually.await(Duration.ofSeconds(60), "reads flow", () -> load.outcomes().size() >= 20);
        long scaleUpFrom = System.nanoTime();
        mesh(env, "scale", "users", "3");
        long scaleUpMs = since(scaleUpFrom);
        assertEquals(3, registered(gateway, "users"));
        assertEquals(3, usersPids(mesh(env, "status")).size());
        long scaleDownFrom = System.nanoTime();
        mesh(env, "scale", "users", "1");
        long scaleDownMs = since(scaleDownFrom);
        assertEquals(1, registered(gateway, "users"));
        mesh(env, "scale", "users", "2");
        assertEquals(2, registered(gateway, "users"));
        List<String> before = usersPids(mesh(env, "status"));

        long restartFrom = System.nanoTime();
        String restart = mesh(env, "restart", "users");
        long restartMs = since(restartFrom);
        List<String> after = usersPids(mesh(env, "status"));
        load.close();

        List<ReadLoad.Outcome> during = load.startedSince(restartFrom).stream()
            .filter(o -> o.startedAt() <= restartFrom + TimeUnit.MILLISECONDS.toNanos(restartMs)).toList();
        log.info("./mesh up --scale users=2: {} ms; scale users 2 -> 3: {} ms; 3 -> 1: {} ms; rolling restart of "
                + "2 users instances: {} ms, {} reads during it, {} failed; {} reads in all, {} failed", upMs,
            scaleUpMs, scaleDownMs, restartMs, during.size(), during.stream().filter(o -> !o.ok()).count(),
            load.outcomes().size(), load.failures().size());
        assertTrue(restart.contains("restarted 2 users instance(s)"), restart);
        assertEquals(2, after.size(), after.toString());
        assertTrue(after.stream().noneMatch(before::contains), "new instances replaced the old: " + before + after);
        assertTrue(during.size() >= 20, "the load ran during the restart: " + during.size() + " reads");
        assertEquals(List.of(), describe(during.stream().filter(o -> !o.ok()).toList()),
            "no read failed during the rolling restart");
        assertEquals(List.of(), describe(load.failures()), "no read failed while scaling either");
      }
    } finally {
      stopEverything(env);
      keepLogs();
    }
    try (var pidFiles = Files.list(varDir.resolve("run"))) {
      assertEquals(List.of(), pidFiles.filter(f -> f.toString().endsWith(".pid")).toList(),
          "down removes every pid file");
    }
    for (String service : List.of("users", "inventory", "orders")) {
      assertTrue(!Files.exists(varDir.resolve("data").resolve(service).resolve("pg").resolve("postmaster.pid")),
          service + "'s PostgreSQL stopped with its last instance");
    }
  }

  private static long since(long nanoTime) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
  }

  private static List<String> describe(List<ReadLoad.Outcome> outcomes) {
    return outcomes.stream().map(o -> o.status() + " " + o.body()).toList();
  }

  /** An operator's token, minted the documented way: {@code ./mesh token} with the mesh's own key. */
  private String token(Map<String, String> env) throws IOException, InterruptedException {
    String output = run(env, "token", "--sub", "mesh-script-test", "--roles", "admin");
    return output.lines().filter(l -> l.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("./mesh token printed no token: " + output));
  }

  /**
   * {@code ./mesh down} with the test's variables, then, should anything have outlived it (down failed or
   * did not finish), the instances and PostgreSQL servers it left, by pid: each only while its command
   * line shows it is ours.
   */
  private void stopEverything(Map<String, String> env) throws IOException {
    List<Long> started = new ArrayList<>(pidsIn(varDir.resolve("run"), "*.pid"));
    try {
      mesh(env, "down");
    } catch (Exception | AssertionError e) {
      log.error("./mesh down failed; stopping what is left by pid", e);
    }
    started.addAll(pidsIn(varDir.resolve("run"), "*.pid"));
    for (Long pid : started) {
      stop(pid, "-jar " + root);
    }
    if (Files.isDirectory(varDir.resolve("data"))) {
      try (var services = Files.list(varDir.resolve("data"))) {
        for (Path pg : services.map(s -> s.resolve("pg")).toList()) {
          for (Long pid : pidsIn(pg, "postmaster.pid")) {
            stop(pid, pg.toString());
          }
        }
      }
    }
  }

  private static List<Long> pidsIn(Path dir, String glob) throws IOException {
    List<Long> pids = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return pids;
    }
    try (var files = Files.newDirectoryStream(dir, glob)) {
      for (Path file : files) {
        String first = Files.readAllLines(file).stream().findFirst().orElse("").trim();
        if (first.matches("[0-9]+")) {
          pids.add(Long.parseLong(first));
        }
      }
    }
    return pids;
  }

  private static void stop(long pid, String commandLineMark) {
    ProcessHandle.of(pid)
        .filter(p -> p.info().commandLine().map(c -> c.contains(commandLineMark)).orElse(false))
        .ifPresent(p -> {
          log.warn("pid {} outlived ./mesh down: stopping it", pid);
          p.destroy();
          try {
            p.onExit().get(20, TimeUnit.SECONDS);
          } catch (Exception notYet) {
            p.destroyForcibly();
          }
        });
  }

  // the var dir is the test's: its logs go where the other end-to-end tests keep theirs
  private void keepLogs() throws IOException {
    Path kept = Path.of("target", "mesh-logs", "mesh-script");
    Files.createDirectories(kept);
    if (!Files.isDirectory(varDir.resolve("log"))) {
      return;
    }
    try (var logs = Files.list(varDir.resolve("log"))) {
      for (Path file : logs.toList()) {
        Files.copy(file, kept.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static List<String> usersPids(String status) {
    return status.lines().filter(l -> l.startsWith("users #") && l.contains("running (pid"))
        .map(l -> l.replaceAll(".*\\(pid ([0-9]+),.*", "$1")).toList();
  }

  /** The users instances the gateway routes to, as its /ready counts them. */
  private int registered(String gateway, String service) throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create(gateway + "/ready")).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    return new JsonObject(body).getJsonObject("services").getJsonObject(service).getInteger("instances");
  }

  /** Runs ./mesh with the arguments and logs its output, once it has exited 0. */
  private String mesh(Map<String, String> env, String... args) throws IOException, InterruptedException {
    String text = run(env, args);
    log.info("./mesh {}:\n{}", String.join(" ", args), text);
    return text;
  }

  /** ./mesh's output, once it has exited 0 (bounded). */
  private String run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("mesh").toString()));
    command.addAll(List.of(args));
    Path output = Files.createTempFile(varDir, "mesh-", ".out");
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(COMMAND_BOUND_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("./mesh " + String.join(" ", args) + " did not finish in " + COMMAND_BOUND_MINUTES
          + " minutes: " + Files.readString(output));
    }
    String text = Files.readString(output);
    Files.delete(output);
    assertEquals(0, process.exitValue(), "./mesh " + String.join(" ", args) + ": " + text);
    return text;
  }
}
