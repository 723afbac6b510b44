package dev.mesh.bench;

import java.util.HashMap;
import java.util.Map;

/** Arguments as {@code key=value} pairs, each with a default, so bench/run reads like a config. */
public final class Args {

  private final Map<String, String> values;

  private Args(Map<String, String> values) {
    this.values = values;
  }

  static Args parse(String[] argv) {
    Map<String, String> values = new HashMap<>();
    for (String arg : argv) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
      }
      values.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return new Args(values);
  }

  public String get(String key, String defaultValue) {
    return values.getOrDefault(key, defaultValue);
  }

  public String required(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing argument " + key + "=...");
    }
    return value;
  }

  public int getInt(String key, int defaultValue) {
    String value = values.get(key);
    return value == null ? defaultValue : Integer.parseInt(value);
  }
}
