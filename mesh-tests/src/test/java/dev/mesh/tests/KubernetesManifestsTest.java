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
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s, checked offline: {@code kubectl kustomize} builds it, and every object it builds reads
 * strictly into the Kubernetes API model (fabric8), an unknown or misspelled field refused, then holds
 * what the mesh needs on Kubernetes.
 */
class KubernetesManifestsTest {

  private static final Path BASE = Path.of("..", "deploy", "k8s").toAbsolutePath().normalize();
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
      "v1/ConfigMap", ConfigMap.class,
      "v1/Service", Service.class,
      "apps/v1/Deployment", Deployment.class,
      "networking.k8s.io/v1/Ingress", Ingress.class,
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
    assertEquals(9, objects.size(), "ConfigMap, 2 Services, Ingress, 4 Deployments, PodDisruptionBudget");
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
      assertNotNull(container.getReadinessProbe(), name);
      assertNotNull(container.getLivenessProbe(), name);
      assertFalse(container.getResources().getRequests().isEmpty(), name);
      assertFalse(container.getResources().getLimits().isEmpty(), name);
      assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem(), name);
    }
    for (String service : List.of("users", "inventory", "orders")) {
      Container container = named(objects, Deployment.class, "mesh-" + service)
          .getSpec().getTemplate().getSpec().getContainers().get(0);
      EnvVar uri = env(container, service.toUpperCase() + "_PG_URI");
      assertEquals("mesh-db", uri.getValueFrom().getSecretKeyRef().getName(), "database settings come from a Secret");
      assertEquals("/health", container.getReadinessProbe().getHttpGet().getPath());
    }
    Container gateway = named(objects, Deployment.class, "mesh-gateway").getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals("/ready", gateway.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/health", gateway.getLivenessProbe().getHttpGet().getPath());
    assertEquals("mesh-bridge", env(gateway, "BRIDGE_SECRET").getValueFrom().getSecretKeyRef().getName());
    Ingress ingress = named(objects, Ingress.class, "mesh-gateway");
    assertEquals("mesh-gateway", ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().getName());
    PodDisruptionBudget budget = named(objects, PodDisruptionBudget.class, "mesh");
    assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal());
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

  private static String kustomize(Path base) throws IOException, InterruptedException {
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

  private static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
    return of(objects, type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  private static EnvVar env(Container container, String name) {
    return container.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " has no " + name));
  }
}
