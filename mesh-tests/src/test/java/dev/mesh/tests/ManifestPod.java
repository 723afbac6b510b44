package dev.mesh.tests;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Deployment's pod as {@code podman run} arguments, the way a kubelet would start it: the pod's uid,
 * gid and fsGroup, a read-only root filesystem, the capabilities dropped, no privilege escalation, the
 * memory and CPU limits, every volume mounted where the manifest says (an emptyDir as a fresh volume, a
 * Secret as a read-only directory of its files), the ConfigMap's and the container's environment with
 * {@code $(VAR)} expanded and the pod's own fields (its address, its namespace). Anything in the manifest
 * that this cannot honour is an error, so that a change there cannot pass untested.
 */
final class ManifestPod {

  private final Deployment deployment;
  private final ConfigMap settings;

  ManifestPod(Deployment deployment, ConfigMap settings) {
    this.deployment = deployment;
    this.settings = settings;
  }

  Container container() {
    return spec().getContainers().get(0);
  }

  private PodSpec spec() {
    return deployment.getSpec().getTemplate().getSpec();
  }

  /**
   * The arguments of {@code podman run} after {@code run}, up to the image: {@code name} for the
   * container, {@code volumePrefix} names the emptyDir volumes, {@code secrets} maps a Secret's name to
   * a directory holding its files (made readable as the kubelet would: owner root, the fsGroup, defaultMode).
   */
  List<String> runArguments(String name, String network, String podIp, String namespace, String volumePrefix,
      Map<String, String> secrets) {
    List<String> args = new ArrayList<>(List.of("--name", name, "--network", network, "--ip", podIp, "--restart", "no"));
    PodSecurityContext pod = spec().getSecurityContext();
    SecurityContext own = container().getSecurityContext();
    args.addAll(List.of("--user", pod.getRunAsUser() + ":" + pod.getRunAsGroup()));
    if (pod.getFsGroup() != null) {
      args.addAll(List.of("--group-add", pod.getFsGroup().toString()));
    }
    if (Boolean.TRUE.equals(own.getReadOnlyRootFilesystem())) {
      args.add("--read-only");
    }
    if (Boolean.FALSE.equals(own.getAllowPrivilegeEscalation())) {
      args.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    for (String dropped : own.getCapabilities().getDrop()) {
      args.addAll(List.of("--cap-drop", dropped));
    }
    var limits = container().getResources().getLimits();
    args.addAll(List.of("--memory", memory(text(limits.get("memory")))));
    args.addAll(List.of("--cpus", text(limits.get("cpu"))));
    args.addAll(List.of("--stop-timeout", spec().getTerminationGracePeriodSeconds().toString()));
    for (VolumeMount mount : container().getVolumeMounts()) {
      Volume volume = spec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
      if (volume.getEmptyDir() != null) {
        args.addAll(List.of("--mount", "type=volume,source=" + volumePrefix + "-" + volume.getName()
            + ",destination=" + mount.getMountPath()));
      } else if (volume.getSecret() != null) {
        String dir = secrets.get(volume.getSecret().getSecretName());
        if (dir == null) {
          throw new IllegalArgumentException("no files given for Secret " + volume.getSecret().getSecretName());
        }
        args.addAll(List.of("-v", dir + ":" + mount.getMountPath() + ":ro"));
      } else {
        throw new IllegalArgumentException("volume " + volume.getName() + " is of a kind this does not run");
      }
    }
    for (Map.Entry<String, String> env : environment(podIp, namespace).entrySet()) {
      args.addAll(List.of("-e", env.getKey() + "=" + env.getValue()));
    }
    return args;
  }

  /** envFrom (the ConfigMap), then env in order, each value's $(VAR) expanded from those before it. */
  Map<String, String> environment(String podIp, String namespace) {
    Map<String, String> env = new LinkedHashMap<>();
    container().getEnvFrom().forEach(from -> {
      if (from.getConfigMapRef() == null || !from.getConfigMapRef().getName().equals(settings.getMetadata().getName())) {
        throw new IllegalArgumentException("envFrom other than ConfigMap " + settings.getMetadata().getName());
      }
      env.putAll(settings.getData());
    });
    for (EnvVar var : container().getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), expand(var.getValue(), env));
      } else if (var.getValueFrom().getFieldRef() != null) {
        String field = var.getValueFrom().getFieldRef().getFieldPath();
        env.put(var.getName(), switch (field) {
          case "status.podIP" -> podIp;
          case "metadata.namespace" -> namespace;
          default -> throw new IllegalArgumentException("field " + field + " is not given here");
        });
      } else {
        throw new IllegalArgumentException(var.getName() + " comes from something this does not give (a Secret key?)");
      }
    }
    return env;
  }

  /** The container port a probe names (by name or number). */
  int port(Probe probe) {
    var port = probe.getHttpGet().getPort();
    if (port.getStrVal() == null) {
      return port.getIntVal();
    }
    return container().getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
        .orElseThrow().getContainerPort();
  }

  private static String expand(String value, Map<String, String> env) {
    Matcher reference = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
    StringBuilder out = new StringBuilder();
    while (reference.find()) {
      String known = env.get(reference.group(1));
      reference.appendReplacement(out, Matcher.quoteReplacement(known != null ? known : reference.group()));
    }
    return reference.appendTail(out).toString();
  }

  private static String text(io.fabric8.kubernetes.api.model.Quantity quantity) {
    return quantity.getAmount() + (quantity.getFormat() == null ? "" : quantity.getFormat());
  }

  /** Kubernetes quantities of memory as the engine takes them: 448Mi is 448m to podman (MiB). */
  private static String memory(String quantity) {
    if (quantity.endsWith("Mi")) {
      return quantity.substring(0, quantity.length() - 2) + "m";
    }
    if (quantity.endsWith("Gi")) {
      return quantity.substring(0, quantity.length() - 2) + "g";
    }
    throw new IllegalArgumentException("memory limit " + quantity + ": write it in Mi or Gi");
  }
}
