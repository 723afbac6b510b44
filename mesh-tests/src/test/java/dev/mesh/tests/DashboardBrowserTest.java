package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mesh.common.testing.TestCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard in a real headless Chromium against the real mesh (four JVMs): the Playwright script
 * in src/test/browser opens the page, checks the bridge's refusals, creates an order and a restock
 * through the API and watches them arrive, asks this test to stop and restart a service and the
 * gateway, and saves screenshots under target/screenshots. Its log: target/browser-logs/dashboard.log.
 */
class DashboardBrowserTest {

  private static final Logger log = LoggerFactory.getLogger(DashboardBrowserTest.class);
  private static final Duration SCRIPT_BOUND = Duration.ofMinutes(8);
  private static final String COMMAND = "@@ ";

  @TempDir
  static Path dataDir;
  private static MeshProcesses mesh;

  private final Path scriptDir = Path.of("target", "browser").toAbsolutePath();
  private final Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
  private final Path scriptLog = Path.of("target", "browser-logs", "dashboard.log").toAbsolutePath();
  private final List<String> output = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = MeshProcesses.ready(TestCluster.create().settings(), dataDir);
  }

  @AfterAll
  static void stopMesh() throws Exception {
    mesh.close();
  }

  @Test
  void theDashboardFollowsTheLiveMeshInARealBrowser() throws Exception {
    String chromium = System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium");
    assertTrue(Files.isExecutable(Path.of(chromium)),
        chromium + " is missing: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH");
    assertTrue(Files.isDirectory(scriptDir.resolve("node_modules").resolve("playwright-core")),
        "playwright-core is not installed in " + scriptDir + ": the Maven build runs npm ci there (needs node and npm)");
    Files.createDirectories(screenshots);
    Files.createDirectories(scriptLog.getParent());
    try (var old = Files.list(screenshots)) {
      for (Path png : old.filter(f -> f.getFileName().toString().startsWith("dashboard")).toList()) {
        Files.delete(png);
      }
    }

    ProcessBuilder builder = new ProcessBuilder("node", "dashboard.test.mjs")
        .directory(scriptDir.toFile())
        .redirectErrorStream(true);
    builder.environment().put("GATEWAY_URL", mesh.gateway);
    builder.environment().put("MESH_TOKEN", mesh.tokens.admin()); // the page itself needs none
    builder.environment().put("SCREENSHOT_DIR", screenshots.toString());
    builder.environment().put("CHROMIUM_PATH", chromium);
    Process script = builder.start();
    Thread reader = new Thread(() -> follow(script), "dashboard-script-output");
    reader.start();

    if (!script.waitFor(SCRIPT_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
      script.descendants().forEach(ProcessHandle::destroyForcibly);
      script.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      reader.join(5000);
      fail("the browser script did not finish within " + SCRIPT_BOUND + ":\n" + String.join("\n", output));
    }
    reader.join(10_000);
    assertEquals(0, script.exitValue(), "the browser script failed (see " + scriptLog + "):\n" + String.join("\n", output));
    Path screenshot = screenshots.resolve("dashboard.png");
    assertTrue(Files.isRegularFile(screenshot) && Files.size(screenshot) > 10_000, "a screenshot of the live page: " + screenshot);
  }

  /** Logs the script's output and carries out its requests to stop or start a service's JVM. */
  private void follow(Process script) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter file = new PrintWriter(Files.newBufferedWriter(scriptLog, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        output.add(line);
        file.println(line);
        file.flush();
        log.info("{}", line);
        if (line.startsWith(COMMAND)) {
          obey(line.substring(COMMAND.length()).trim());
        }
      }
    } catch (IOException e) {
      output.add("output lost: " + e);
    }
  }

  private void obey(String command) {
    String[] words = command.split("\\s+");
    String service = words.length == 2 ? words[1] : "";
    if (!MeshProcesses.SERVICES.contains(service)) {
      output.add("unknown command: " + command);
      return;
    }
    try {
      switch (words[0]) {
        case "stop" -> {
          Process process = mesh.process(service);
          process.destroy(); // SIGTERM: the service unpublishes and leaves
          if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
          log.info("{} stopped for the browser script", service);
        }
        case "start" -> {
          mesh.start(service);
          log.info("{} started again for the browser script", service);
        }
        default -> output.add("unknown command: " + command);
      }
    } catch (IOException | InterruptedException e) {
      output.add("command '" + command + "' failed: " + e);
    }
  }
}
