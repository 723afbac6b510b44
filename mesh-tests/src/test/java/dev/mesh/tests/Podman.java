package dev.mesh.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The container engine as a user drives it: the {@code podman} command (and any other command, such as
 * {@code docker-compose}), each call bounded in time, its output kept. HTTP into a container goes through
 * curl inside a container on the test's network: the networks are internal, so the host has no route to
 * them, on purpose.
 */
final class Podman {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private Podman() {
  }

  /** What one command did. */
  record Result(int exit, String out, String err) {
    Result ok(String what) {
      if (exit != 0) {
        throw new IllegalStateException(what + " failed with exit " + exit + ": " + err.strip() + " " + out.strip());
      }
      return this;
    }
  }

  /** Why containers cannot run here (not root, a tool missing, the engine broken), or empty. */
  static Optional<String> unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("needs root: rootful podman, bridge networks, mmdebstrap (running as "
          + System.getProperty("user.name") + ")");
    }
    for (String tool : List.of("podman", "docker-compose", "mmdebstrap", "openssl", "curl")) {
      if (Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).noneMatch(d -> Files.isExecutable(Path.of(d, tool)))) {
        return Optional.of("needs '" + tool + "' on the PATH (.ci/run installs podman, runc, docker-compose, mmdebstrap)");
      }
    }
    try {
      Result info = run(Duration.ofSeconds(60), Map.of(), "podman", "info", "--format", "{{.Host.OCIRuntime.Name}}");
      if (info.exit() != 0) {
        return Optional.of("podman does not work here: " + info.err().strip());
      }
    } catch (IOException e) {
      return Optional.of("podman does not work here: " + e);
    }
    return Optional.empty();
  }

  /** {@code podman args...}, bounded. */
  static Result podman(Duration bound, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("podman"));
    command.addAll(List.of(args));
    return run(bound, Map.of(), command.toArray(String[]::new));
  }

  /** Any command, in the repository's root, with {@code env} on top of this JVM's; killed when over its bound. */
  static Result run(Duration bound, Map<String, String> env, String... command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<String> out = read(process.getInputStream());
    CompletableFuture<String> err = read(process.getErrorStream());
    try {
      if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(String.join(" ", command) + " did not finish within " + bound);
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static CompletableFuture<String> read(java.io.InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }

  /**
   * One HTTP exchange made by curl inside {@code container} (its own loopback, or any address on its
   * networks); a transport failure is status 0.
   */
  static Hosts.Response http(String container, String method, String url, String body, String... headers) throws IOException {
    List<String> command = new ArrayList<>(List.of("podman", "exec", "-i", container, "curl", "-s", "--max-time", "10",
        "-X", method, "-w", "\n%{http_code}", "-H", "Content-Type: application/json"));
    for (String header : headers) {
      command.addAll(List.of("-H", header));
    }
    if (body != null) {
      command.addAll(List.of("--data-binary", "@-"));
    }
    command.add(url);
    Process curl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    if (body != null) {
      curl.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
    curl.getOutputStream().close();
    CompletableFuture<String> out = read(curl.getInputStream());
    try {
      if (!curl.waitFor(30, TimeUnit.SECONDS)) {
        curl.destroyForcibly();
        return new Hosts.Response(0, "curl did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Hosts.Response(0, "interrupted");
    }
    String text = out.join();
    int newline = text.lastIndexOf('\n');
    String code = newline < 0 ? "" : text.substring(newline + 1).trim();
    int status = code.matches("\\d{3}") ? Integer.parseInt(code) : 0;
    return new Hosts.Response(status, newline < 0 ? text : text.substring(0, newline));
  }

  /** The host's pid of the container's first process (the JVM: the entrypoint execs it). */
  static long hostPid(String container) throws IOException {
    return Long.parseLong(podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Pid}}", container)
        .ok("inspect " + container).out().strip());
  }

  /** The host's pids of the container's processes whose command is {@code command}. */
  static List<Long> hostPids(String container, String command) throws IOException {
    String table = podman(Duration.ofSeconds(30), "top", container, "hpid", "comm").ok("top " + container).out();
    return table.lines().skip(1).map(String::trim).filter(line -> line.endsWith(" " + command))
        .map(line -> Long.parseLong(line.split("\\s+")[0])).toList();
  }
}
