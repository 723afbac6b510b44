package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher as an operator uses it: {@code ./mesh up --scale}, {@code scale}, {@code restart},
 * {@code status}, {@code down}, with a var dir, ports and a cluster of the test's own, under a steady
 * read load that retries nothing.
 */
class MeshScriptTest {

  private static final Logger log = LoggerFactory.getLogger(MeshScriptTest.class);

  private final Path root = Path.of("..").toAbsolutePath().normalize();

  @TempDir
  Path varDir;

  @Test
  void scalesUsersUpAndDownAndRestartsThemOneAtATimeWithoutAFailedRequest() throws Exception {
    int port = TestCluster.freePort();
    String gateway = "http://127.0.0.1:" + port;
    Map<String, String> env = new java.util.HashMap<>();
    TestCluster.create().settings().forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    env.put("MESH_VAR_DIR", varDir.toString());
    env.put("GATEWAY_PORT", Integer.toString(port));
    env.put("BRIDGE_TCP_PORT", "-1");
    env.put("MESH_READY_TIMEOUT", "240");
    env.put("MESH_JAVA_OPTS", "-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    try {
      String up = mesh(env, "up", "--scale", "users=2");
      assertTrue(up.contains("the mesh is ready"), up);
      assertEquals(2, registered(gateway, "users"));
      String status = mesh(env, "status");
      assertEquals(2, status.lines().filter(l -> l.startsWith("users #") && l.contains("running (pid")).count(), status);

      try (ReadLoad load = new ReadLoad(gateway + "/api/users?limit=1", 2)) {
        Eventually.await(Duration.ofSeconds(30), "reads flow", () -> load.outcomes().size() >= 20);
        mesh(env, "scale", "users", "3");
        assertEquals(3, registered(gateway, "users"));
        mesh(env, "scale", "users", "1");
        assertEquals(1, registered(gateway, "users"));
        mesh(env, "scale", "users", "2");
        assertEquals(2, registered(gateway, "users"));
        List<String> before = usersPids(mesh(env, "status"));

        long restartFrom = System.nanoTime();
        String restart = mesh(env, "restart", "users");
        long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartFrom);
        List<String> after = usersPids(mesh(env, "status"));
        load.close();

        List<ReadLoad.Outcome> during = load.startedSince(restartFrom).stream()
            .filter(o -> o.startedAt() <= restartFrom + TimeUnit.MILLISECONDS.toNanos(restartMs)).toList();
        log.info("rolling restart of 2 users instances: {} ms, {} reads during it, {} failed; {} reads in all, "
                + "{} failed (scale 2 -> 3 -> 1 -> 2 and the restart)", restartMs, during.size(),
            during.stream().filter(o -> !o.ok()).count(), load.outcomes().size(), load.failures().size());
        assertTrue(restart.contains("restarted 2 users instance(s)"), restart);
        assertEquals(2, after.size());
        assertTrue(after.stream().noneMatch(before::contains), "new instances replaced the old: " + before + after);
        assertTrue(during.size() >= 20, "the load ran during the restart");
        assertEquals(List.of(), during.stream().filter(o -> !o.ok()).map(o -> o.status() + " " + o.body()).toList(),
            "no read failed during the rolling restart");
        assertEquals(List.of(), load.failures().stream().map(o -> o.status() + " " + o.body()).toList(),
            "no read failed while scaling either");
      }
    } finally {
      log.info("./mesh down: {}", mesh(env, "down"));
      keepLogs();
    }
    try (var pidFiles = Files.list(varDir.resolve("run"))) {
      assertEquals(List.of(), pidFiles.toList(), "down removes every pid file");
    }
    for (String service : List.of("users", "inventory", "orders")) {
      assertTrue(!Files.exists(varDir.resolve("data").resolve(service).resolve("pg").resolve("postmaster.pid")),
          service + "'s PostgreSQL stopped with its last instance");
    }
  }

  // the var dir is the test's: its logs go where the other end-to-end tests keep theirs
  private void keepLogs() throws IOException {
    Path kept = Path.of("target", "mesh-logs", "mesh-script");
    Files.createDirectories(kept);
    try (var logs = Files.list(varDir.resolve("log"))) {
      for (Path log : logs.toList()) {
        Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static List<String> usersPids(String status) {
    return status.lines().filter(l -> l.startsWith("users #"))
        .map(l -> l.replaceAll(".*\\(pid ([0-9]+),.*", "$1")).toList();
  }

  private static int registered(String gateway, String service) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gateway + "/ready"))
        .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    return new JsonObject(body).getJsonObject("services").getJsonObject(service).getInteger("instances");
  }

  /** Runs ./mesh with the arguments; its output, once it has exited 0 (bounded: 5 minutes). */
  private String mesh(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("bash", root.resolve("mesh").toString()));
    command.addAll(List.of(args));
    Path output = Files.createTempFile(varDir, "mesh-", ".out");
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("./mesh " + String.join(" ", args) + " did not finish in 5 minutes: "
          + Files.readString(output));
    }
    String text = Files.readString(output);
    log.info("./mesh {}:\n{}", String.join(" ", args), text);
    assertEquals(0, process.exitValue(), "./mesh " + String.join(" ", args) + ": " + text);
    return text;
  }
}
