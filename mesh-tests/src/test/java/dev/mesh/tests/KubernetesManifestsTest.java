package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s, checked offline: {@code kubectl kustomize} builds it, and every object it builds reads
 * strictly into the Kubernetes API model (fabric8), an unknown or misspelled field refused, then holds
 * what the mesh needs on Kubernetes.
 */
class KubernetesManifestsTest {

  static final Path BASE = Path.of("..", "deploy", "k8s").toAbsolutePath().normalize();
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
      "v1/ConfigMap", ConfigMap.class,
      "v1/Service", Service.class,
      "apps/v1/Deployment", Deployment.class,
      "networking.k8s.io/v1/Ingress", Ingress.class,
      "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class,
      "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);
  private static final ObjectMapper YAML = new YAMLMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private static String built;

  @BeforeAll
  static void buildWithKubectl() throws Exception {
    built = kustomize(BASE);
  }

  @Test
  void everyObjectReadsStrictlyIntoTheKubernetesModel() throws Exception {
    List<HasMetadata> objects = strictly(built);
    assertEquals(11, objects.size(), "ConfigMap, 2 Services, Ingress, 4 Deployments, PodDisruptionBudget, 2 NetworkPolicies");
  }

  @Test
  void aMisspelledFieldIsRefused() {
    String typo = built.replaceFirst("readinessProbe:", "readinesProbe:");
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> strictly(typo));
    assertTrue(refused.getMessage().contains("readinesProbe"), refused.getMessage());
    String wrongType = built.replaceFirst("replicas: 2", "replicas: two");
    assertThrows(IllegalArgumentException.class, () -> strictly(wrongType));
  }

  @Test
  void theServicesJoinByKubernetesDiscoveryOnTheirPodAddress() throws Exception {
    List<HasMetadata> objects = strictly(built);
    Service headless = named(objects, Service.class, "mesh-cluster");
    assertEquals("None", headless.getSpec().getClusterIP());
    assertTrue(headless.getSpec().getPublishNotReadyAddresses(), "a pod must be found before it is ready");
    ConfigMap settings = named(objects, ConfigMap.class, "mesh-settings");
    assertEquals("kubernetes", settings.getData().get("MESH_CLUSTER_JOIN"));

    List<Deployment> deployments = of(objects, Deployment.class);
    assertEquals(List.of("mesh-gateway", "mesh-inventory", "mesh-orders", "mesh-users"),
        deployments.stream().map(d -> d.getMetadata().getName()).sorted().toList());
    for (Deployment deployment : deployments) {
      String name = deployment.getMetadata().getName();
      Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
      assertTrue(labels.entrySet().containsAll(deployment.getSpec().getSelector().getMatchLabels().entrySet()), name);
      assertTrue(labels.entrySet().containsAll(headless.getSpec().getSelector().entrySet()), name + " is found by discovery");
      Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertEquals("status.podIP", env(container, "POD_IP").getValueFrom().getFieldRef().getFieldPath(), name);
      assertEquals("$(POD_IP)", env(container, "MESH_CLUSTER_HOST").getValue(), name);
      assertEquals("mesh-cluster.$(POD_NAMESPACE).svc.cluster.local", env(container, "MESH_K8S_SERVICE_DNS").getValue());
      assertFalse(container.getResources().getRequests().isEmpty(), name);
      assertFalse(container.getResources().getLimits().isEmpty(), name);
      assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem(), name);
    }
    for (String service : List.of("users", "inventory", "orders")) {
      Container container = named(objects, Deployment.class, "mesh-" + service)
          .getSpec().getTemplate().getSpec().getContainers().get(0);
      EnvVar uri = env(container, service.toUpperCase() + "_PG_URI");
      assertEquals("mesh-db", uri.getValueFrom().getSecretKeyRef().getName(), "database settings come from a Secret");
    }
    PodDisruptionBudget budget = named(objects, PodDisruptionBudget.class, "mesh");
    assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal());
  }

  @Test
  void livenessAsksOnlyThatTheJvmAnswersReadinessThatItCanServe() throws Exception {
    for (Deployment deployment : of(strictly(built), Deployment.class)) {
      String name = deployment.getMetadata().getName();
      Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
      // a database outage makes /health 503: as liveness it would restart every pod of the service
      assertProbe(container, container.getLivenessProbe(), "/live", 9090, name + " liveness");
      assertProbe(container, container.getStartupProbe(), "/live", 9090, name + " startup");
      if (name.equals("mesh-gateway")) {
        assertProbe(container, container.getReadinessProbe(), "/ready", 8080, name + " readiness");
      } else {
        assertProbe(container, container.getReadinessProbe(), "/health", 9090, name + " readiness");
      }
    }
    ConfigMap settings = named(strictly(built), ConfigMap.class, "mesh-settings");
    assertEquals("0.0.0.0", settings.getData().get("MESH_HEALTH_HOST"), "probes come to the pod's address");
    assertEquals("9090", settings.getData().get("MESH_HEALTH_PORT"));
  }

  @Test
  void everyJvmWritesOnlyToVolumesAndReadsItsKeysAndTheBridgeSecretFromOneSecret() throws Exception {
    for (Deployment deployment : of(strictly(built), Deployment.class)) {
      String name = deployment.getMetadata().getName();
      var pod = deployment.getSpec().getTemplate().getSpec();
      Container container = pod.getContainers().get(0);
      assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem(), name);
      assertEquals(10001L, pod.getSecurityContext().getRunAsUser(), name + " runs as the image's uid");
      assertEquals(10001L, pod.getSecurityContext().getFsGroup(), name + ": volumes belong to the mesh's group");
      // the image's MESH_DATA_DIR and java.io.tmpdir: an emptyDir each, or the JVM cannot write there
      for (String path : List.of("/var/lib/mesh", "/tmp")) {
        Volume volume = mountedAt(pod, container, path);
        assertNotNull(volume.getEmptyDir(), name + ": " + path + " is an emptyDir");
      }
      // every JVM signs and checks its messages' identity with the one key of the Secret
      Volume secrets = mountedAt(pod, container, "/etc/mesh/secrets");
      assertEquals("mesh-secrets", secrets.getSecret().getSecretName(), name);
      assertEquals(0440, secrets.getSecret().getDefaultMode(), name + ": readable by the pod's group only");
    }
    assertEquals("/etc/mesh/secrets/identity-key",
        named(strictly(built), ConfigMap.class, "mesh-settings").getData().get("MESH_IDENTITY_KEY_FILE"));
    var gateway = named(strictly(built), Deployment.class, "mesh-gateway").getSpec().getTemplate().getSpec();
    Container container = gateway.getContainers().get(0);
    assertEquals("/etc/mesh/secrets", env(container, "GATEWAY_JWT_KEY_DIR").getValue(), "every replica verifies with one key");
    assertEquals("/etc/mesh/secrets/bridge-secret", env(container, "BRIDGE_SECRET_FILE").getValue());
    assertTrue(container.getEnv().stream().noneMatch(e -> e.getName().equals("BRIDGE_SECRET")), "the secret is not in the pod spec");
  }

  @Test
  void theIngressExposesTheApiItsDocsAndTheDashboardButNotMetricsOrTheBridge() throws Exception {
    Ingress ingress = named(strictly(built), Ingress.class, "mesh-gateway");
    List<HTTPIngressPath> paths = ingress.getSpec().getRules().get(0).getHttp().getPaths();
    paths.forEach(p -> assertEquals("mesh-gateway", p.getBackend().getService().getName()));
    for (String exposed : List.of("/api/users/42", "/api", "/openapi.json", "/docs/", "/docs/index.html", "/",
        "/dashboard/app.js", "/eventbus/info")) {
      assertTrue(routed(paths, exposed), exposed + " is exposed");
    }
    for (String hidden : List.of("/metrics", "/bridge", "/bridge/services", "/health", "/ready", "/apis", "/openapi.json.bak",
        "/documents")) {
      assertFalse(routed(paths, hidden), hidden + " is not exposed");
    }
  }

  @Test
  void onlyMeshPodsReachTheClusterPortsAndTheGatewaysTakeHttp() throws Exception {
    List<NetworkPolicy> policies = of(strictly(built), NetworkPolicy.class);
    NetworkPolicy cluster = policies.stream().filter(p -> p.getSpec().getPodSelector().getMatchLabels()
        .equals(Map.of("app.kubernetes.io/part-of", "mesh"))).findFirst().orElseThrow();
    assertEquals(List.of("Ingress"), cluster.getSpec().getPolicyTypes());
    assertEquals(1, cluster.getSpec().getIngress().size());
    var rule = cluster.getSpec().getIngress().get(0);
    assertEquals(Map.of("app.kubernetes.io/part-of", "mesh"), rule.getFrom().get(0).getPodSelector().getMatchLabels());
    assertEquals(Set.of(5701, 5801, 9090), ports(rule.getPorts()));
    NetworkPolicy http = policies.stream().filter(p -> p.getSpec().getPodSelector().getMatchLabels()
        .equals(Map.of("app.kubernetes.io/name", "mesh-gateway"))).findFirst().orElseThrow();
    assertEquals(Set.of(8080), ports(http.getSpec().getIngress().get(0).getPorts()));
    // the ports the policies name are the ones the pods listen on
    ConfigMap settings = named(strictly(built), ConfigMap.class, "mesh-settings");
    assertEquals(Set.of(5701, 5801, 9090), Set.of(Integer.parseInt(settings.getData().get("MESH_CLUSTER_PORT")),
        Integer.parseInt(settings.getData().get("MESH_EVENTBUS_PORT")), Integer.parseInt(settings.getData().get("MESH_HEALTH_PORT"))));
  }

  @Test
  void theImagesAreTheOnesTheReadmeBuildsAndRunWithTheLaunchersJvmFlags() throws Exception {
    String readme = Files.readString(BASE.resolve("../../README.md"));
    Set<String> built = new TreeSet<>();
    Matcher tag = Pattern.compile("-t (mesh-[a-z]+:[0-9.]+)").matcher(readme);
    while (tag.find()) {
      built.add(tag.group(1));
    }
    Set<String> deployed = new TreeSet<>();
    of(strictly(KubernetesManifestsTest.built), Deployment.class)
        .forEach(d -> deployed.add(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()));
    assertEquals(Set.of("mesh-gateway:0.1.0", "mesh-inventory:0.1.0", "mesh-orders:0.1.0", "mesh-users:0.1.0"), deployed);
    assertTrue(built.containsAll(deployed), "README builds " + built + ", kustomize deploys " + deployed);

    Matcher launcher = Pattern.compile("MESH_JAVA_OPTS:-([^}]+)}").matcher(Files.readString(BASE.resolve("../../mesh")));
    assertTrue(launcher.find(), "the launcher's default JVM flags");
    ConfigMap settings = named(strictly(KubernetesManifestsTest.built), ConfigMap.class, "mesh-settings");
    assertEquals(launcher.group(1), settings.getData().get("MESH_JAVA_OPTS"));
    assertTrue(Files.readString(BASE.resolve("../../Dockerfile")).contains("MESH_JAVA_OPTS=\"" + launcher.group(1) + "\""),
        "the image's default flags are the launcher's");
  }

  /** Ingress path matching (networking.k8s.io/v1): Exact, or Prefix by whole path elements. */
  private static boolean routed(List<HTTPIngressPath> paths, String request) {
    return paths.stream().anyMatch(p -> switch (p.getPathType()) {
      case "Exact" -> request.equals(p.getPath());
      case "Prefix" -> p.getPath().equals("/") || request.equals(p.getPath()) || request.startsWith(p.getPath() + "/");
      default -> throw new AssertionError("pathType " + p.getPathType() + " is up to the controller: say Exact or Prefix");
    });
  }

  private static Set<Integer> ports(List<NetworkPolicyPort> ports) {
    Set<Integer> numbers = new TreeSet<>();
    for (NetworkPolicyPort port : ports) {
      IntOrString value = port.getPort();
      assertEquals("TCP", port.getProtocol());
      numbers.add(value.getIntVal());
    }
    return numbers;
  }

  private static void assertProbe(Container container, Probe probe, String path, int port, String what) {
    assertNotNull(probe, what);
    assertEquals(path, probe.getHttpGet().getPath(), what);
    IntOrString named = probe.getHttpGet().getPort();
    int number = named.getStrVal() == null ? named.getIntVal() : container.getPorts().stream()
        .filter(p -> named.getStrVal().equals(p.getName())).findFirst().orElseThrow().getContainerPort();
    assertEquals(port, number, what);
  }

  private static Volume mountedAt(io.fabric8.kubernetes.api.model.PodSpec pod, Container container, String path) {
    VolumeMount mount = container.getVolumeMounts().stream().filter(m -> path.equals(m.getMountPath())).findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " mounts nothing at " + path));
    return pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
  }

  /** Every document, read into its API type; an unknown field anywhere is an IllegalArgumentException. */
  static List<HasMetadata> strictly(String yaml) throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(yaml)) {
      for (JsonNode document : YAML.readValues(parser, JsonNode.class).readAll()) {
        if (document == null || document.isEmpty()) {
          continue;
        }
        String kind = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(kind);
        if (type == null) {
          throw new IllegalArgumentException("an object of an unexpected kind: " + kind);
        }
        HasMetadata object;
        try {
          object = YAML.treeToValue(document, type);
        } catch (IOException e) {
          throw new IllegalArgumentException(kind + ": " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        refuseUnknownFields(object, kind + " " + object.getMetadata().getName(), unknown);
        if (!unknown.isEmpty()) {
          throw new IllegalArgumentException("fields the Kubernetes API does not know: " + unknown);
        }
        objects.add(object);
      }
    }
    return objects;
  }

  /**
   * fabric8's model keeps fields it does not know in {@code additionalProperties} instead of failing
   * (Kubernetes itself drops them, or refuses them with strict field validation): any found is a mistake.
   */
  private static void refuseUnknownFields(Object node, String path, List<String> unknown) {
    if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        refuseUnknownFields(list.get(i), path + "[" + i + "]", unknown);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> refuseUnknownFields(value, path + "." + key, unknown));
      return;
    }
    if (node == null || !node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(field -> unknown.add(path + "." + field));
        }
      } else {
        refuseUnknownFields(value, path + "." + getter.getName().substring(3), unknown);
      }
    }
  }

  static String kustomize(Path base) throws IOException, InterruptedException {
    if (Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).noneMatch(d -> Files.isExecutable(Path.of(d, "kubectl")))) {
      throw new IllegalStateException("kubectl is needed to build deploy/k8s (Debian: apt-get install kubernetes-client;"
          + " .ci/run installs it)");
    }
    Process kubectl = new ProcessBuilder("kubectl", "kustomize", base.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize finished");
    assertEquals(0, kubectl.exitValue(), "kubectl kustomize " + base + " builds");
    return out;
  }

  private static <T extends HasMetadata> List<T> of(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
    return of(objects, type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  private static EnvVar env(Container container, String name) {
    return container.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " has no " + name));
  }
}
