package dev.mesh.common;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Every setting has one name, used both as environment variable and as verticle config key.
 * Lookup order: the verticle's config (tests and embedders), then the environment, then the default.
 */
public final class MeshConfig {

  /** Where a machine's JVMs keep their state (embedded databases, made keys and secrets). */
  public static final String DATA_DIR = "MESH_DATA_DIR";

  private final JsonObject overrides;

  private MeshConfig(JsonObject overrides) {
    this.overrides = overrides == null ? new JsonObject() : overrides;
  }

  public static MeshConfig of(JsonObject overrides) {
    return new MeshConfig(overrides);
  }

  public static MeshConfig fromEnvironment() {
    return new MeshConfig(new JsonObject());
  }

  /** {@code MESH_DATA_DIR}, by default {@code var/data} under the working directory, made absolute. */
  public Path dataDir() {
    return Path.of(get(DATA_DIR, "var/data")).toAbsolutePath();
  }

  public String get(String name, String defaultValue) {
    Object value = overrides.getValue(name);
    if (value != null) {
      return value.toString();
    }
    String env = System.getenv(name);
    return env == null || env.isBlank() ? defaultValue : env.trim();
  }

  public int getInt(String name, int defaultValue) {
    String value = get(name, null);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
    }
  }

  /** {@code true} or {@code false}, in any case; anything else is a mistake worth stopping for. */
  public boolean getBoolean(String name, boolean defaultValue) {
    String value = get(name, null);
    if (value == null) {
      return defaultValue;
    }
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
  }

  /** A comma-separated setting's entries, trimmed, without empty ones. */
  public List<String> getList(String name, String defaultValue) {
    return Arrays.stream(get(name, defaultValue).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** The verticle config itself, for settings a service passes down to its own children. */
  public JsonObject overrides() {
    return overrides.copy();
  }
}
