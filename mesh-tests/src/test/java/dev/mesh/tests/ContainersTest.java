package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The README's container path in a real engine (podman, rootful, runc): the Debian base made from
 * Debian's packages (cached), the four images built from the jars Maven built, deploy/compose.yaml run
 * by docker-compose against podman's socket, with the README's secrets and its documented token, a
 * service killed and restarted by the engine, a database frozen under a running service, and the
 * gateway's image run under deploy/k8s's own constraints. Everything it makes carries a name of this
 * run's own ({@code mct<random>}), and is removed by that name at the end. The networks are internal
 * (no route, NAT or link out): HTTP goes through curl inside a container of the mesh.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainersTest {

  private static final Logger log = LoggerFactory.getLogger(ContainersTest.class);
  private static final Map<String, String> MODULES = Map.of("gateway", "gateway-verticle", "users", "user-verticle",
      "inventory", "inventory-verticle", "orders", "order-verticle");
  private static final Duration QUICK = Duration.ofSeconds(60);

  private static String run;
  private static String net;
  private static Path work;
  private static Path secrets;
  private static Process apiService;
  private static Map<String, String> composeEnv;
  private static final Map<String, String> images = new LinkedHashMap<>();
  private static final List<String> figures = new ArrayList<>();
  private static String admin;

  @BeforeAll
  static void buildTheImagesAndComposeTheMesh() throws Exception {
    Podman.unavailable().ifPresent(why -> Assumptions.abort("container tests skipped: " + why));
    run = "mct" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 35), 36);
    work = Files.createTempDirectory(run + "-");
    net = "172.30." + (100 + ThreadLocalRandom.current().nextInt(150));

    // README "Docker" 2: the Debian base from Debian's packages, made once per recipe and machine
    long started = System.nanoTime();
    String base = Podman.run(Duration.ofMinutes(10), Map.of(), "deploy/image/make-base").ok("make-base").out().strip();
    figure("base image %s ready in %.1f s (made or taken from the cache)", base, seconds(started));
    // README "Docker" 3: one image per service from the host's jars, nothing fetched
    for (Map.Entry<String, String> service : MODULES.entrySet()) {
      String image = "localhost/" + run + "-" + service.getKey() + ":0.1.0";
      started = System.nanoTime();
      Podman.podman(Duration.ofMinutes(5), "build", "--format", "docker", "--network", "none", "--pull=never",
          "--build-arg", "BASE=" + base, "--target", "host-jars", "--build-arg", "SERVICE=" + service.getValue(),
          "-t", image, ".").ok("build " + image);
      images.put(service.getKey(), image);
      long size = Long.parseLong(Podman.podman(QUICK, "image", "inspect", "--format", "{{.Size}}", image).ok("inspect").out().strip());
      figure("image %s-%s: %d MB, built in %.1f s", run, service.getKey(), size / 1_000_000, seconds(started));
    }
    // README "Compose" 2: the secrets every gateway shares, made by the README's commands
    secrets = work.resolve("secrets");
    sh("mkdir -m 700 " + secrets
        + " && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + secrets + "/signing-key.pem"
        + " && openssl rand -hex 24 > " + secrets + "/bridge-secret"
        + " && openssl rand -hex 32 > " + secrets + "/identity-key"
        + " && chmod 600 " + secrets + "/* && chown -R 10001:10001 " + secrets);
    // docker-compose talks to podman's Docker-compatible API, served by a process of this test's own
    Path socket = work.resolve("podman.sock");
    apiService = new ProcessBuilder("podman", "system", "service", "--time=0", "unix://" + socket)
        .redirectErrorStream(true).redirectOutput(work.resolve("podman-service.log").toFile()).start();
    Eventually.await(QUICK, "podman's API socket", () -> Files.exists(socket));
    // the test's own networks are internal too: the edge network the gateway publishes from, as well
    Path internal = work.resolve("internal-edge.yaml");
    Files.writeString(internal, "networks:\n  edge:\n    internal: true\n");
    composeEnv = Map.of("DOCKER_HOST", "unix://" + socket, "MESH_IMAGE_PREFIX", "localhost/" + run,
        "MESH_SECRETS_DIR", secrets.toString(), "MESH_NET", net,
        "MESH_GATEWAY_PORT", Integer.toString(TestCluster.freePort()), "COMPOSE_INTERNAL_OVERRIDE", internal.toString());
    // README "Compose" 3
    started = System.nanoTime();
    compose(Duration.ofMinutes(3), "up", "-d", "--no-build").ok("compose up");
    awaitReady(Duration.ofMinutes(4));
    figure("compose up to /ready 200: %.1f s", seconds(started));
    // README "Compose" 4: the documented way to a token
    admin = token("--sub", "operator", "--roles", "admin");
  }

  @AfterAll
  static void removeEverythingThisRunMade() throws Exception {
    if (run == null) {
      return;
    }
    try {
      Path logs = Path.of("target", "containers-logs", run).toAbsolutePath();
      Files.createDirectories(logs);
      for (String name : containers()) {
        Files.writeString(logs.resolve(name + ".log"), Podman.podman(QUICK, "logs", name).out()
            + Podman.podman(QUICK, "logs", name).err());
      }
      Podman.podman(Duration.ofMinutes(2), "rm", "-f", "-t", "30", k8sPod()); // not compose's: removed by name
      if (composeEnv != null) {
        compose(Duration.ofMinutes(3), "down", "-v", "-t", "30");
      }
    } finally {
      if (apiService != null) {
        apiService.destroy();
        apiService.waitFor();
      }
      for (String name : containers()) {
        Podman.podman(QUICK, "rm", "-f", "-v", name);
      }
      for (String volume : named("volume", "ls", "--format", "{{.Name}}")) {
        Podman.podman(QUICK, "volume", "rm", "-f", volume);
      }
      for (String network : named("network", "ls", "--format", "{{.Name}}")) {
        Podman.podman(QUICK, "network", "rm", "-f", network);
      }
      for (String image : images.values()) {
        Podman.podman(QUICK, "rmi", "-f", image);
      }
      Podman.run(QUICK, Map.of(), "rm", "-rf", work.toString());
      Files.writeString(Path.of("target", "containers-figures.txt"), String.join("\n", figures) + "\n");
    }
    List<String> left = new ArrayList<>(containers());
    left.addAll(named("volume", "ls", "--format", "{{.Name}}"));
    left.addAll(named("network", "ls", "--format", "{{.Name}}"));
    left.addAll(named("images", "--format", "{{.Repository}}"));
    assertEquals(List.of(), left, "everything this run made is removed");
  }

  @BeforeEach
  void theMeshIsReady() throws Exception {
    awaitReady(Duration.ofMinutes(3));
  }

  @Test
  @Order(1)
  void everyServiceRunsAsTheImagesUidWithTheLaunchersFlagsAndPassesTheImagesHealthCheck() throws Exception {
    Matcher launcher = Pattern.compile("MESH_JAVA_OPTS:-([^}]+)}").matcher(Files.readString(Podman.ROOT.resolve("mesh")));
    assertTrue(launcher.find());
    for (String service : MODULES.keySet()) {
      String container = container(service);
      assertEquals("10001", Podman.podman(QUICK, "exec", container, "id", "-u").ok("id").out().strip(), service);
      String jvm = Podman.podman(QUICK, "exec", container, "cat", "/proc/1/cmdline").ok("cmdline").out().replace('\0', ' ');
      assertTrue(jvm.startsWith("java " + launcher.group(1) + " -XX:+ExitOnOutOfMemoryError -jar /app/service.jar"), jvm);
      assertEquals(0, Podman.podman(QUICK, "healthcheck", "run", container).exit(), service + " is healthy");
      assertTrue(Podman.podman(QUICK, "exec", container, "touch", "/app/written").exit() != 0, "the root filesystem is read-only");
    }
  }

  @Test
  @Order(2)
  void anOrderPlacedWithTheDocumentedTokenEndsConfirmedAndReadsBack() throws Exception {
    String gateway = container("gateway");
    JsonObject user = call("POST", "/api/users", admin,
        new JsonObject().put("email", "ada-" + run + "@example.com").put("name", "Ada"), 201);
    String sku = "mug-" + run;
    call("POST", "/api/inventory/products", admin,
        new JsonObject().put("sku", sku).put("name", "Mug").put("priceCents", 1250).put("available", 5), 201);
    String customer = token("--sub", user.getString("id"), "--roles", "customer");
    Hosts.Response placed = Podman.http(gateway, "POST", "http://127.0.0.1:8080/api/orders",
        new JsonObject().put("userId", user.getString("id"))
            .put("items", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 2))).encode(),
        "Authorization: Bearer " + customer, "Idempotency-Key: " + UUID.randomUUID());
    assertEquals(201, placed.status(), placed.body());
    assertEquals("CONFIRMED", placed.json().getString("status"));
    JsonObject read = call("GET", "/api/orders/" + placed.json().getString("id"), customer, null, 200);
    assertEquals("CONFIRMED", read.getString("status"));
    assertEquals(3, call("GET", "/api/inventory/products/" + sku, admin, null, 200).getInteger("available"));

    // the bridge secret is the file's, and nothing else opens /bridge
    String bridgeSecret = Files.readString(secrets.resolve("bridge-secret")).strip();
    assertEquals(200, Podman.http(gateway, "GET", "http://127.0.0.1:8080/bridge", null, "Authorization: Bearer " + bridgeSecret).status());
    assertEquals(403, Podman.http(gateway, "GET", "http://127.0.0.1:8080/bridge", null, "Authorization: Bearer mesh-dev-secret").status());
    assertEquals(401, Podman.http(gateway, "GET", "http://127.0.0.1:8080/api/orders", null).status());
  }

  @Test
  @Order(3)
  void aServiceKilledWithSigkillIsRestartedByTheEngineAndRoutedAgainOnItsData() throws Exception {
    JsonObject user = call("POST", "/api/users", admin,
        new JsonObject().put("email", "kill-" + run + "@example.com").put("name", "Grace"), 201);
    String before = call("GET", "/api/users/info", admin, null, 200).getString("instance");
    // a crash (the kernel's OOM killer, a bug): SIGKILL to the JVM, which is the container's first
    // process. `podman kill` would count as a stop by the user, after which no policy restarts it.
    long started = System.nanoTime();
    ProcessHandle.of(Podman.hostPid(container("users"))).orElseThrow().destroyForcibly();
    JsonObject after = Eventually.await(Duration.ofMinutes(3), "a new users instance routed",
        () -> Podman.http(container("gateway"), "GET", "http://127.0.0.1:8080/api/users/info", null, "Authorization: Bearer " + admin),
        answer -> answer.status() == 200 && !answer.json().getString("instance").equals(before)).json();
    figure("users killed (SIGKILL) to routed again: %.1f s", seconds(started));
    assertNotEquals(before, after.getString("instance"));
    String restarts = Podman.podman(QUICK, "inspect", "--format", "{{.RestartCount}}", container("users")).ok("inspect").out().strip();
    assertTrue(Integer.parseInt(restarts) >= 1, "the engine restarted it: " + restarts);
    assertEquals("Grace", call("GET", "/api/users/" + user.getString("id"), admin, null, 200).getString("name"),
        "its data outlived the crash, in the service's volume");
  }

  @Test
  @Order(4)
  void whileItsDatabaseIsFrozenAServiceIsNotReadyButAliveAndHealsWithoutARestart() throws Exception {
    String inventory = container("inventory");
    List<Long> postgres = Podman.hostPids(inventory, "postgres");
    assertTrue(!postgres.isEmpty(), "the embedded PostgreSQL runs in the service's container");
    String restartsBefore = Podman.podman(QUICK, "inspect", "--format", "{{.RestartCount}}", inventory).ok("inspect").out();
    signal("STOP", postgres);
    try {
      // readiness: 503 with the reason, and the image's health check fails with it
      Hosts.Response health = Eventually.await(Duration.ofSeconds(60), "inventory not ready",
          () -> Podman.http(inventory, "GET", "http://127.0.0.1:9090/health", null), answer -> answer.status() == 503);
      assertTrue(health.body().contains("database"), health.body());
      assertTrue(Podman.podman(QUICK, "healthcheck", "run", inventory).exit() != 0, "unhealthy to the engine");
      // liveness: the JVM answers; a probe on it would not restart the pod
      Hosts.Response live = Podman.http(inventory, "GET", "http://127.0.0.1:9090/live", null);
      assertEquals(200, live.status(), live.body());
      assertEquals("UP", live.json().getString("status"));
    } finally {
      signal("CONT", postgres);
    }
    Eventually.await(Duration.ofSeconds(90), "inventory ready again", () -> Podman.http(inventory, "GET",
        "http://127.0.0.1:9090/health", null).status() == 200);
    assertEquals(restartsBefore, Podman.podman(QUICK, "inspect", "--format", "{{.RestartCount}}", inventory).ok("inspect").out(),
        "healed without a restart");
  }

  @Test
  @Order(5)
  void theGatewayImageUnderTheKubernetesManifestJoinsByDnsDiscoveryAndServesWithTheSharedKey() throws Exception {
    List<HasMetadata> objects = KubernetesManifestsTest.strictly(KubernetesManifestsTest.kustomize(KubernetesManifestsTest.BASE));
    ManifestPod pod = new ManifestPod(KubernetesManifestsTest.named(objects, Deployment.class, "mesh-gateway"),
        KubernetesManifestsTest.named(objects, ConfigMap.class, "mesh-settings"));
    assertEquals("mesh-gateway:0.1.0", pod.container().getImage());
    // the Secret as the kubelet projects it: owner root, group the pod's fsGroup, the manifest's mode
    Path projected = work.resolve("mesh-secrets");
    sh("mkdir " + projected + " && cp " + secrets + "/* " + projected + " && chown -R 0:10001 " + projected
        + " && chmod 750 " + projected + " && chmod 440 " + projected + "/*");
    String podIp = net + ".20";
    String namespace = "mesh-test";
    List<String> args = new ArrayList<>(List.of("run", "-d"));
    args.addAll(pod.runArguments(k8sPod(), run + "_mesh", podIp, namespace, run + "-k8s",
        Map.of("mesh-secrets", projected.toString())));
    // the headless service mesh-cluster: one address per mesh pod, this one's included
    String service = "mesh-cluster." + namespace + ".svc.cluster.local";
    for (String address : List.of(net + ".10", net + ".11", net + ".12", net + ".13", podIp)) {
      args.addAll(List.of("--add-host", service + ":" + address));
    }
    args.add(images.get("gateway"));
    Podman.podman(Duration.ofMinutes(2), args.toArray(String[]::new)).ok("run the gateway's pod");

    // the kubelet's probes, to the pod's address, from another mesh pod (the network policy lets it)
    String prober = container("gateway");
    String startup = url(podIp, pod.port(pod.container().getStartupProbe()), pod.container().getStartupProbe().getHttpGet().getPath());
    Eventually.await(Duration.ofMinutes(3), "the startup probe", () -> Podman.http(prober, "GET", startup, null).status() == 200);
    String live = url(podIp, pod.port(pod.container().getLivenessProbe()), pod.container().getLivenessProbe().getHttpGet().getPath());
    assertEquals(200, Podman.http(prober, "GET", live, null).status());
    String ready = url(podIp, pod.port(pod.container().getReadinessProbe()), pod.container().getReadinessProbe().getHttpGet().getPath());
    Eventually.await(Duration.ofMinutes(2), "the readiness probe: joined by DNS discovery, every service seen",
        () -> Podman.http(prober, "GET", ready, null).status() == 200);

    // a second gateway verifies with the same key: the token the first one's container minted works here
    Hosts.Response info = Podman.http(prober, "GET", url(podIp, 8080, "/api/orders/info"), null, "Authorization: Bearer " + admin);
    assertEquals(200, info.status(), info.body());
    String bridgeSecret = Files.readString(secrets.resolve("bridge-secret")).strip();
    assertEquals(200, Podman.http(prober, "GET", url(podIp, 8080, "/bridge"), null, "Authorization: Bearer " + bridgeSecret).status());
    assertEquals("10001", Podman.podman(QUICK, "exec", k8sPod(), "id", "-u").ok("id").out().strip());
    assertTrue(Podman.podman(QUICK, "exec", k8sPod(), "touch", "/app/written").exit() != 0, "read-only root filesystem");
  }

  @Test
  @Order(6)
  void theBuildContextHoldsNoDataSecretsHistoryOrLeftoversButTheFourJars() throws Exception {
    // what `COPY . .` of the default build receives, seen from inside an image built the same way
    List<Path> markers = List.of(Podman.ROOT.resolve("var").resolve(run + ".marker"),
        Podman.ROOT.resolve("mesh-tests/var").resolve(run + ".marker"), // tests' own data dirs hold signing keys
        Podman.ROOT.resolve("deploy/secrets").resolve(run + ".marker"),
        Podman.ROOT.resolve("mesh-common/target").resolve(run + ".marker"));
    List<Path> made = new ArrayList<>();
    String image = "localhost/" + run + "-context:probe";
    images.put("context", image);
    try {
      for (Path marker : markers) {
        for (Path dir = marker.getParent(); !Files.exists(dir); dir = dir.getParent()) {
          made.add(dir);
        }
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "must not reach an image build");
      }
      Path containerfile = work.resolve("Containerfile.context");
      Files.writeString(containerfile, "FROM " + images.get("gateway") + "\nCOPY . /context\n");
      Podman.podman(Duration.ofMinutes(3), "build", "--network", "none", "--pull=never", "-f", containerfile.toString(),
          "-t", image, ".").ok("build the context probe");
      String listing = Podman.podman(QUICK, "run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "find", image,
          "/context", "-name", "*.marker", "-o", "-name", ".git", "-o", "-path", "*/target/*", "-type", "f").ok("find").out();
      assertEquals(List.of("/context/gateway-verticle/target/gateway-verticle.jar",
          "/context/inventory-verticle/target/inventory-verticle.jar", "/context/order-verticle/target/order-verticle.jar",
          "/context/user-verticle/target/user-verticle.jar"), listing.lines().sorted().toList());
    } finally {
      for (Path marker : markers) {
        Files.deleteIfExists(marker);
      }
      made.sort(java.util.Comparator.<Path>comparingInt(Path::getNameCount).reversed()); // the deepest first
      for (Path dir : made) {
        Files.deleteIfExists(dir);
      }
      Podman.podman(QUICK, "rmi", "-f", image);
    }
  }

  // --- the compose mesh -------------------------------------------------------------------------------

  private static Podman.Result compose(Duration bound, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("docker-compose", "-p", run, "-f", "deploy/compose.yaml",
        "-f", composeEnv.get("COMPOSE_INTERNAL_OVERRIDE")));
    command.addAll(List.of(args));
    return Podman.run(bound, composeEnv, command.toArray(String[]::new));
  }

  /** README "Compose" 4: minted inside the gateway's container, from the key file it verifies with. */
  private static String token(String... claims) throws IOException {
    List<String> args = new ArrayList<>(List.of("exec", "-T", "gateway", "mesh-token"));
    args.addAll(List.of(claims));
    return compose(QUICK, args.toArray(String[]::new)).ok("mesh-token").out().strip();
  }

  private static void awaitReady(Duration bound) {
    Eventually.await(bound, "the compose mesh ready",
        () -> Podman.http(container("gateway"), "GET", "http://127.0.0.1:8080/ready", null).status() == 200);
  }

  private static JsonObject call(String method, String path, String token, JsonObject body, int expected) throws IOException {
    Hosts.Response answer = Podman.http(container("gateway"), method, "http://127.0.0.1:8080" + path,
        body == null ? null : body.encode(), "Authorization: Bearer " + token);
    assertEquals(expected, answer.status(), method + " " + path + ": " + answer.body());
    return answer.json();
  }

  private static String container(String service) {
    return run + "_" + service + "_1";
  }

  private static String k8sPod() {
    return run + "-k8s-gateway";
  }

  private static String url(String host, int port, String path) {
    return "http://" + host + ":" + port + path;
  }

  // --- names, signals, figures -----------------------------------------------------------------------

  private static List<String> containers() throws IOException {
    return named("ps", "-a", "--format", "{{.Names}}");
  }

  /** The lines of a podman listing that carry this run's name. */
  private static List<String> named(String... listing) throws IOException {
    return Podman.podman(QUICK, listing).out().lines().map(String::strip).filter(name -> name.contains(run)).toList();
  }

  private static void signal(String signal, List<Long> pids) throws IOException {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(pid -> command.add(pid.toString()));
    Podman.run(QUICK, Map.of(), command.toArray(String[]::new)).ok("kill -" + signal);
  }

  private static void sh(String script) throws IOException {
    Podman.run(QUICK, Map.of(), "sh", "-c", script).ok(script);
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static void figure(String format, Object... args) {
    String line = String.format(java.util.Locale.ROOT, format, args);
    figures.add(line);
    log.info("figure: {}", line);
  }
}
