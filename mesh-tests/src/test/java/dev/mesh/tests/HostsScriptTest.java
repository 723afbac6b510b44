package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/hosts/hosts up}, as its header says a person runs it, ends cleanly however it ends: its
 * hold running out, Ctrl-C, SIGTERM, a service failing to start. Each time, no process it started is
 * left (each carries this run's mark in its environment), no namespace of its name, no work directory.
 */
class HostsScriptTest {

  private static final Path SCRIPT = Path.of("..", "deploy", "hosts", "hosts").toAbsolutePath().normalize();
  private static final Duration STOPPED = Duration.ofSeconds(90);

  @BeforeAll
  static void hostsCanBeMade() {
    Hosts.unavailable().ifPresent(why -> Assumptions.abort("hosts script tests skipped: " + why));
  }

  @Test
  void whenItsHoldRunsOutItStopsEverythingItStartedAndRemovesItAll() throws Exception {
    Run up = Run.start(Map.of("HOSTS_HOLD_SECONDS", "2"), false);
    assertTrue(up.process.waitFor(6, TimeUnit.MINUTES), "up ended after its hold: " + up.output());
    assertEquals(0, up.process.exitValue(), up.output());
    assertTrue(up.output().contains("ready."), "the mesh was up before the hold: " + up.output());
    up.assertNothingLeft();
  }

  @Test
  void ctrlCWhileTheMeshStartsStopsEverything() throws Exception {
    // as a terminal's Ctrl-C: SIGINT to the script's whole process group, its children included
    Run up = Run.start(Map.of(), true);
    up.awaitStarting();
    Podman.run(Duration.ofSeconds(10), Map.of(), "kill", "-INT", "--", "-" + up.process.pid()).ok("kill -INT");
    assertTrue(up.process.waitFor(STOPPED.toSeconds(), TimeUnit.SECONDS), "up ended: " + up.output());
    assertEquals(130, up.process.exitValue(), up.output());
    up.assertNothingLeft();
  }

  @Test
  void sigtermWhileTheMeshStartsStopsEverything() throws Exception {
    Run up = Run.start(Map.of(), false);
    up.awaitStarting();
    up.process.destroy(); // SIGTERM to the script only, as a service manager sends it
    assertTrue(up.process.waitFor(STOPPED.toSeconds(), TimeUnit.SECONDS), "up ended: " + up.output());
    assertEquals(143, up.process.exitValue(), up.output());
    up.assertNothingLeft();
  }

  @Test
  void aServiceThatFailsToStartEndsItAtOnceWithItsLog() throws Exception {
    // only the gateway reads this setting: its JVM exits at start, the others would wait for it forever
    Run up = Run.start(Map.of("GATEWAY_REQUEST_TIMEOUT_MS", "never"), false);
    assertTrue(up.process.waitFor(4, TimeUnit.MINUTES), "up ended: " + up.output());
    assertEquals(1, up.process.exitValue(), up.output());
    assertTrue(up.output().contains("h1-gateway-verticle exited"), up.output());
    assertTrue(up.output().contains("GATEWAY_REQUEST_TIMEOUT_MS must be a whole number"), "its log's last lines: " + up.output());
    up.assertNothingLeft();
  }

  /** One {@code hosts up} under a name of its own, its output in a file, every process it starts marked. */
  private record Run(String name, String mark, Process process, Path log, Path cwd) {

    static Run start(Map<String, String> env, boolean ownProcessGroup) throws IOException {
      String name = "hs" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36);
      String mark = UUID.randomUUID().toString();
      Path log = Files.createDirectories(Path.of("target", "hosts-logs")).resolve(name + "-up.log").toAbsolutePath();
      List<String> command = new ArrayList<>();
      if (ownProcessGroup) {
        // a group of its own, to signal as a terminal does; SIGINT not ignored, as in a terminal
        command.addAll(List.of("setsid", "env", "--default-signal=INT"));
      }
      command.addAll(List.of(SCRIPT.toString(), "up", name));
      // a directory of its own to run in: whatever up writes there (a JVM's default data directory) is seen
      Path cwd = Files.createTempDirectory(name + "-cwd-");
      ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
      builder.environment().putAll(env);
      builder.environment().put("HOSTS_TEST_MARK", mark);
      Process process = builder.start();
      process.getOutputStream().close();
      return new Run(name, mark, process, log, cwd);
    }

    String output() throws IOException {
      return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Until every process of the mesh has been started (the databases answer, the JVMs are on their way). */
    void awaitStarting() {
      Eventually.await(Duration.ofMinutes(2), "up starting the mesh", () -> {
        if (!process.isAlive()) {
          throw new AssertionError("up ended early: " + output());
        }
        return output().contains("waiting for");
      });
      // and a JVM of the mesh is running, so that there is something to stop
      Eventually.await(Duration.ofSeconds(30), "a JVM of " + name, () -> marked().stream()
          .anyMatch(pid -> ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("").endsWith("java")));
    }

    void assertNothingLeft() throws Exception {
      assertEquals(List.of(), marked(), "no process that up started is left: " + output());
      String namespaces = Podman.run(Duration.ofSeconds(10), Map.of(), "ip", "netns", "list").ok("ip netns list").out();
      assertTrue(namespaces.lines().noneMatch(line -> line.startsWith(name + "-")), "no namespace left: " + namespaces);
      try (Stream<Path> tmp = Files.list(Path.of("/tmp"))) {
        assertEquals(List.of(), tmp.filter(p -> p.getFileName().toString().startsWith("hosts-" + name + ".")).toList(),
            "no work directory left");
      }
      try (Stream<Path> written = Files.list(cwd)) {
        assertEquals(List.of(), written.toList(), "nothing written where it ran");
      }
      Files.delete(cwd);
    }

    /** Every live process whose environment carries this run's mark. */
    List<Long> marked() throws IOException {
      byte[] wanted = ("HOSTS_TEST_MARK=" + mark).getBytes(StandardCharsets.UTF_8);
      List<Long> found = new ArrayList<>();
      try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
        for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
          long pid = Long.parseLong(proc.getFileName().toString());
          if (pid == process.pid() && !process.isAlive()) {
            continue;
          }
          try {
            if (contains(Files.readAllBytes(proc.resolve("environ")), wanted) && isLive(proc)) {
              found.add(pid);
            }
          } catch (IOException gone) {
            // ended meanwhile, or a kernel thread
          }
        }
      }
      return found;
    }

    private static boolean isLive(Path proc) throws IOException {
      String stat = Files.readString(proc.resolve("stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    }

    private static boolean contains(byte[] environ, byte[] wanted) {
      outer:
      for (int i = 0; i + wanted.length <= environ.length; i++) {
        if (i > 0 && environ[i - 1] != 0) {
          continue;
        }
        for (int j = 0; j < wanted.length; j++) {
          if (environ[i + j] != wanted[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }
  }
}
