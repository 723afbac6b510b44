package dev.mesh.gateway.bridge;

import dev.mesh.common.MeshConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    Map<String, List<Pattern>> grants) {

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

  /** The local-development secret; README says to set BRIDGE_SECRET anywhere else. */
  public static final String DEV_SECRET = "mesh-dev-secret";

  public static BridgeSettings from(MeshConfig config, long gatewayTimeoutMs) {
    AddressRules rules = new AddressRules(
        config.get(ALLOW_SEND, "mesh\\..*"),
        config.get(ALLOW_PUBLISH, "events\\..*"),
        config.get(ALLOW_SUBSCRIBE, "events\\..*"),
        config.get(ALLOW_SERVE, "mesh\\..*"));
    List<String> catalog = config.getList(EVENT_ADDRESSES, "");
    return new BridgeSettings(
        config.get(SECRET, DEV_SECRET),
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
        grants(config.get(GRANTS, "")));
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
