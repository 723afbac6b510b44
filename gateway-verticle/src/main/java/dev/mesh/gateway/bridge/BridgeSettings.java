package dev.mesh.gateway.bridge;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.SecretFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every setting of the bridge, read once at start. Names are environment variables (and verticle config
 * keys); the defaults are the ones README documents.
 */
public record BridgeSettings(
    String secret,
    AddressRules rules,
    List<String> eventCatalog,
    long heartbeatIntervalMs,
    long heartbeatTimeoutMs,
    long forgetAfterMs,
    long forwardTimeoutMs,
    int webhookAttempts,
    long webhookBackoffMs,
    int deadLetterLimit,
    long streamPingMs,
    int proxyPoolSize,
    String tcpHost,
    int tcpPort,
    Map<String, List<Pattern>> grants,
    Map<String, Set<String>> grantedRoles) {

  public static final String SECRET = "BRIDGE_SECRET";
  public static final String ALLOW_SEND = "BRIDGE_ALLOW_SEND";
  public static final String ALLOW_PUBLISH = "BRIDGE_ALLOW_PUBLISH";
  public static final String ALLOW_SUBSCRIBE = "BRIDGE_ALLOW_SUBSCRIBE";
  public static final String ALLOW_SERVE = "BRIDGE_ALLOW_SERVE";
  public static final String EVENT_ADDRESSES = "BRIDGE_EVENT_ADDRESSES";
  public static final String HEARTBEAT_INTERVAL_MS = "BRIDGE_HEARTBEAT_INTERVAL_MS";
  public static final String HEARTBEAT_TIMEOUT_MS = "BRIDGE_HEARTBEAT_TIMEOUT_MS";
  public static final String FORGET_AFTER_MS = "BRIDGE_FORGET_AFTER_MS";
  public static final String FORWARD_TIMEOUT_MS = "BRIDGE_FORWARD_TIMEOUT_MS";
  public static final String WEBHOOK_ATTEMPTS = "BRIDGE_WEBHOOK_ATTEMPTS";
  public static final String WEBHOOK_BACKOFF_MS = "BRIDGE_WEBHOOK_BACKOFF_MS";
  public static final String DEAD_LETTER_LIMIT = "BRIDGE_DEAD_LETTER_LIMIT";
  public static final String STREAM_PING_MS = "BRIDGE_STREAM_PING_MS";
  public static final String PROXY_POOL_SIZE = "BRIDGE_PROXY_POOL_SIZE";
  public static final String TCP_HOST = "BRIDGE_TCP_HOST";
  public static final String TCP_PORT = "BRIDGE_TCP_PORT";
  public static final String GRANTS = "BRIDGE_GRANTS";
  public static final String GRANT_ROLES = "BRIDGE_GRANT_ROLES";

  public static final String SECRET_FILE = "BRIDGE_SECRET_FILE";

  public static BridgeSettings from(MeshConfig config, long gatewayTimeoutMs) {
    AddressRules rules = new AddressRules(
        config.get(ALLOW_SEND, "mesh\\..*"),
        config.get(ALLOW_PUBLISH, "events\\..*"),
        config.get(ALLOW_SUBSCRIBE, "events\\..*"),
        config.get(ALLOW_SERVE, "mesh\\..*"));
    List<String> catalog = config.getList(EVENT_ADDRESSES, "");
    return new BridgeSettings(
        secret(config),
        rules,
        catalog,
        config.getInt(HEARTBEAT_INTERVAL_MS, 2000),
        config.getInt(HEARTBEAT_TIMEOUT_MS, 6000),
        config.getInt(FORGET_AFTER_MS, 60_000),
        config.getInt(FORWARD_TIMEOUT_MS, (int) gatewayTimeoutMs),
        Math.max(1, config.getInt(WEBHOOK_ATTEMPTS, 5)),
        config.getInt(WEBHOOK_BACKOFF_MS, 250),
        config.getInt(DEAD_LETTER_LIMIT, 1000),
        config.getInt(STREAM_PING_MS, 15_000),
        config.getInt(PROXY_POOL_SIZE, 64),
        config.get(TCP_HOST, "127.0.0.1"),
        config.getInt(TCP_PORT, 7000),
        grants(config.get(GRANTS, "")),
        grantedRoles(config.get(GRANT_ROLES, "")));
  }

  /**
   * The bootstrap secret: {@code BRIDGE_SECRET}, else the file {@code BRIDGE_SECRET_FILE} names (a mounted
   * Secret), else the one made at first start in {@code <MESH_DATA_DIR>/gateway/bridge.secret}, which
   * every gateway sharing the data directory reads and {@code ./mesh bridge-secret} prints.
   */
  static String secret(MeshConfig config) {
    String given = config.get(SECRET, "");
    if (!given.isBlank()) {
      return given;
    }
    String file = config.get(SECRET_FILE, "");
    return file.isBlank() ? SecretFile.loadOrCreate(defaultSecretFile(config)) : SecretFile.read(Path.of(file));
  }

  public static Path defaultSecretFile(MeshConfig config) {
    return config.dataDir().resolve("gateway").resolve("bridge.secret");
  }

  /**
   * The roles the operator grants foreign services: {@code name:role} entries, comma-separated, e.g.
   * {@code notifications:admin}. A foreign service's calls carry these roles and no others (by default
   * none), and each Java service's own policy decides what they allow.
   */
  static Map<String, Set<String>> grantedRoles(String text) {
    Map<String, Set<String>> roles = new HashMap<>();
    for (String entry : text.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.indexOf(':');
      String role = colon <= 0 ? "" : entry.substring(colon + 1).trim();
      if (role.isEmpty() || role.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(GRANT_ROLES + " takes name:role entries, not '" + entry + "'");
      }
      roles.computeIfAbsent(entry.substring(0, colon).trim(), n -> new java.util.LinkedHashSet<>()).add(role);
    }
    Map<String, Set<String>> frozen = new HashMap<>();
    roles.forEach((name, set) -> frozen.put(name, Set.copyOf(set)));
    return Map.copyOf(frozen);
  }

  /**
   * What the operator grants foreign services beyond their own addresses: {@code name:regex} entries,
   * comma-separated, e.g. {@code recs:mesh\.notifications} lets {@code recs} call what {@code notifications} serves.
   */
  static Map<String, List<Pattern>> grants(String text) {
    Map<String, List<Pattern>> grants = new HashMap<>();
    for (String entry : text.split(",")) {
      int colon = entry.indexOf(':');
      if (entry.isBlank()) {
        continue;
      }
      if (colon <= 0) {
        throw new IllegalArgumentException(GRANTS + " takes name:regex entries, not '" + entry + "'");
      }
      grants.computeIfAbsent(entry.substring(0, colon).trim(), n -> new ArrayList<>())
          .add(Pattern.compile(entry.substring(colon + 1).trim()));
    }
    return Map.copyOf(grants);
  }
}
