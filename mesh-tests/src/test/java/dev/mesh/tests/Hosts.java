package dev.mesh.tests;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Three hosts made of network namespaces, through the repository's harness {@code deploy/hosts/hosts}:
 * the processes it starts on them (by pid, through {@code ip netns exec}, which execs), HTTP from host 1
 * (curl inside the namespace: the test JVM has no route into the test network, on purpose), cutting and
 * healing a host's link. {@link #close()} stops every process and removes the namespaces and the data;
 * a shutdown hook does the same if the test JVM is stopped first.
 */
final class Hosts implements AutoCloseable {

  static final String NET = "10.213.14";

  private final Path root = Path.of("..").toAbsolutePath().normalize();
  private final Path script = root.resolve("deploy/hosts/hosts");
  private final String name;
  private final Path work;
  private final Path logs;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  /** {@code Authorization} of every {@link #http} call that gives none of its own (a token of the mesh's key). */
  private volatile String authorization;
  private final Thread cleanupOnExit = new Thread(this::destroyQuietly, "hosts-cleanup");

  private Hosts(String name, Path work, Path logs) {
    this.name = name;
    this.work = work;
    this.logs = logs;
  }

  /** Why hosts cannot be made here (not root, no iproute2, no PostgreSQL server, ...), or empty. */
  static Optional<String> unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("needs root for network namespaces (running as " + System.getProperty("user.name") + ")");
    }
    for (String tool : List.of("ip", "curl", "python3", "setpriv")) {
      if (!onPath(tool)) {
        return Optional.of("needs '" + tool + "' on the PATH");
      }
    }
    try (Stream<Path> bins = Files.list(Path.of("/usr/lib/postgresql"))) {
      if (bins.noneMatch(v -> Files.isExecutable(v.resolve("bin/postgres")))) {
        return Optional.of("needs Debian's postgresql package (/usr/lib/postgresql/*/bin/postgres)");
      }
    } catch (IOException e) {
      return Optional.of("needs Debian's postgresql package (/usr/lib/postgresql)");
    }
    try {
      Process probe = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
      if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0) {
        return Optional.of("'ip netns' does not work here: " + new String(probe.getInputStream().readAllBytes()));
      }
    } catch (IOException | InterruptedException e) {
      return Optional.of("'ip netns' does not work here: " + e);
    }
    return Optional.empty();
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }

  /** Three new hosts under a name of their own (two test runs at once never share namespaces). */
  static Hosts create() throws IOException, InterruptedException {
    String name = "mh" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    Path work = Files.createTempDirectory("hosts-" + name + "-");
    // the PostgreSQL servers run as the postgres user and must reach their data directories below
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path logs = Path.of("target", "hosts-logs", name).toAbsolutePath();
    Files.createDirectories(logs);
    Hosts hosts = new Hosts(name, work, logs);
    int exit = hosts.script("create", name);
    if (exit == 3) {
      throw new IllegalStateException("namespaces " + name + "-* exist already; not touching them");
    }
    Runtime.getRuntime().addShutdownHook(hosts.cleanupOnExit);
    if (exit != 0) {
      hosts.close();
      throw new IllegalStateException("could not create the hosts; see " + logs.resolve("harness.log"));
    }
    return hosts;
  }

  static String address(int host) {
    return NET + "." + host;
  }

  String name() {
    return name;
  }

  Path work() {
    return work;
  }

  /** A PostgreSQL server listening on the host's address, data under the work directory. */
  Process postgres(int host, String db, int port, String password) throws IOException {
    return start(db + "-pg", Map.of("HOSTS_PG_PASSWORD", password), "pg", name, Integer.toString(host),
        work.resolve(db + "-pg").toString(), Integer.toString(port));
  }

  /** A mesh fat jar on the host, clustered with the other hosts by the harness's settings. */
  Process service(int host, String service, Map<String, String> env) throws IOException {
    Path jar = root.resolve(service).resolve("target").resolve(service + ".jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn -B verify from the repository root");
    }
    return start("h" + host + "-" + service, env, "service", name, Integer.toString(host), jar.toString());
  }

  /** Any command on the host, e.g. a service in another language. */
  Process run(int host, String label, Map<String, String> env, String... command) throws IOException {
    List<String> args = new ArrayList<>(List.of("exec", name, Integer.toString(host)));
    args.addAll(List.of(command));
    return start("h" + host + "-" + label, env, args.toArray(String[]::new));
  }

  private Process start(String label, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(label + ".log").toFile()));
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.put(label + "#" + process.pid(), process);
    return process;
  }

  void cut(int host) throws IOException, InterruptedException {
    requireOk(script("cut", name, Integer.toString(host)), "cut host " + host);
  }

  void heal(int host) throws IOException, InterruptedException {
    requireOk(script("heal", name, Integer.toString(host)), "heal host " + host);
  }

  /** Every later {@link #http} call without an {@code Authorization} header of its own sends this value. */
  void authorize(String value) {
    authorization = value;
  }

  /** One HTTP exchange made by curl on host 1; a transport failure is status 0. */
  Response http(String method, String url, String body, String... headers) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(script.toString(), "exec", name, "1", "curl", "-s",
        "--max-time", "15", "-X", method, "-w", "\n%{http_code}", "-H", "Content-Type: application/json"));
    if (authorization != null
        && Stream.of(headers).noneMatch(h -> h.regionMatches(true, 0, "Authorization:", 0, "Authorization:".length()))) {
      command.addAll(List.of("-H", "Authorization: " + authorization));
    }
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
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!curl.waitFor(30, TimeUnit.SECONDS)) {
      curl.destroyForcibly();
      return new Response(0, "curl did not finish");
    }
    int newline = out.lastIndexOf('\n');
    int status = newline < 0 ? 0 : Integer.parseInt(out.substring(newline + 1).trim());
    return new Response(status, newline < 0 ? out : out.substring(0, newline));
  }

  /**
   * A long-lived curl on host 1 reading a newline-delimited JSON stream; each line goes to the consumer
   * (on a thread of its own) until the process is stopped.
   */
  Process stream(String url, Consumer<JsonObject> lines, String... headers) throws IOException {
    List<String> command = new ArrayList<>(List.of(script.toString(), "exec", name, "1", "curl", "-sN"));
    for (String header : headers) {
      command.addAll(List.of("-H", header));
    }
    command.add(url);
    Process curl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    processes.put("stream#" + curl.pid(), curl);
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.isBlank()) {
            lines.accept(new JsonObject(line));
          }
        }
      } catch (IOException | RuntimeException ended) {
        // the stream ends with its process
      }
    }, "hosts-stream");
    reader.setDaemon(true);
    reader.start();
    return curl;
  }

  record Response(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** SIGKILL, as a crash: the pid is the JVM's own (the harness execs into it). */
  static void kill9(Process process) throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM to every process still running (then SIGKILL), the namespaces and the data removed. */
  @Override
  public void close() {
    destroyQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private synchronized void destroyQuietly() {
    List<Process> stopping = processes.values().stream().filter(Process::isAlive).toList();
    stopping.forEach(Process::destroy);
    for (Process p : stopping) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    try {
      script("destroy", name); // whatever a process of ours left in the namespaces, then the namespaces
    } catch (IOException | InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException gone) {
      // nothing left to remove
    }
  }

  private int script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("harness.log").toFile())).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  private static void requireOk(int exit, String what) {
    if (exit != 0) {
      throw new IllegalStateException(what + " failed with exit code " + exit);
    }
  }
}
