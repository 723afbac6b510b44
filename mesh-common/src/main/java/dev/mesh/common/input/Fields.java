package dev.mesh.common.input;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an action's input field by field and collects every problem as {@code field -> reason}, so a
 * caller hears about all bad fields at once. Values from the gateway's path and query are strings,
 * which is why {@link #count} also takes a numeric string; body fields are read strictly by type.
 * Problems never echo the value back: it may be huge or hostile.
 */
public final class Fields {

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
  private static final int MAX_REPORTED_NAME = 64;

  private final JsonObject input;
  private final String prefix;
  private final JsonObject problems;

  private Fields(JsonObject input, String prefix, JsonObject problems) {
    this.input = input;
    this.prefix = prefix;
    this.problems = problems;
  }

  /** Starts reading {@code input}; any field not in {@code allowed} is reported as unknown. */
  public static Fields of(JsonObject input, Set<String> allowed) {
    Fields fields = new Fields(input == null ? new JsonObject() : input, "", new JsonObject());
    fields.rejectUnknown(allowed);
    return fields;
  }

  /** Reads a nested object (an array item, say) whose problems are reported as {@code prefix.field}. */
  public Fields nested(JsonObject child, String childPrefix, Set<String> allowed) {
    Fields fields = new Fields(child, childPrefix + ".", problems);
    fields.rejectUnknown(allowed);
    return fields;
  }

  private void rejectUnknown(Set<String> allowed) {
    for (String name : input.fieldNames()) {
      if (!allowed.contains(name) && !name.equals(Caller.FIELD)) {
        problems.put(prefix + printable(name), "unknown field; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  public boolean present(String name) {
    return input.containsKey(name);
  }

  /** The field's value, or null with a problem recorded when it is an explicit null or required and absent. */
  private Object value(String name, boolean required) {
    Object value = input.getValue(name);
    if (value == null && input.containsKey(name)) {
      problem(name, "must not be null");
    } else if (value == null && required) {
      problem(name, "is required");
    }
    return value;
  }

  /** A string field, or null (with a problem recorded when required or of the wrong type). */
  public String string(String name, boolean required) {
    Object value = value(name, required);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      problem(name, "must be a string");
      return null;
    }
    return text;
  }

  /** Human text (a name): a string that {@link Text} accepts at min to max characters, cleaned; or null. */
  public String text(String name, boolean required, int min, int max) {
    String raw = string(name, required);
    if (raw == null) {
      return null;
    }
    String problem = Text.problem(raw, min, max);
    if (problem != null) {
      problem(name, problem);
      return null;
    }
    return Text.clean(raw);
  }

  /** A whole JSON number within bounds (strings are refused: body fields carry their real type). */
  public Long wholeNumber(String name, boolean required, long min, long max) {
    Object value = value(name, required);
    if (value == null) {
      return null;
    }
    String bounds = "must be a whole number from " + min + " to " + max;
    if (value instanceof BigInteger) {
      problem(name, bounds);
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte)) {
      problem(name, value instanceof Number ? bounds : "must be a number");
      return null;
    }
    long number = ((Number) value).longValue();
    if (number < min || number > max) {
      problem(name, bounds);
      return null;
    }
    return number;
  }

  /**
   * A small count such as a page size, given as a JSON number or as a decimal string (query values
   * arrive as strings); the default when absent.
   */
  public int count(String name, int defaultValue, int min, int max) {
    Object value = input.getValue(name);
    if (value == null && !input.containsKey(name)) {
      return defaultValue;
    }
    String bounds = "must be a whole number from " + min + " to " + max;
    long number;
    if (value instanceof Integer || value instanceof Long) {
      number = ((Number) value).longValue();
    } else if (value instanceof String text && DIGITS.matcher(text).matches()) {
      number = Long.parseLong(text);
    } else {
      problem(name, bounds);
      return defaultValue;
    }
    if (number < min || number > max) {
      problem(name, bounds);
      return defaultValue;
    }
    return (int) number;
  }

  /** A JSON array field, or null (with a problem recorded when required or of the wrong type). */
  public JsonArray array(String name, boolean required) {
    Object value = value(name, required);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      problem(name, "must be an array");
      return null;
    }
    return array;
  }

  /** Records a problem; the first problem of a field wins, as it is usually the root cause. */
  public void problem(String name, String reason) {
    String key = prefix + name;
    if (!problems.containsKey(key)) {
      problems.put(key, reason);
    }
  }

  public boolean hasProblem(String name) {
    return problems.containsKey(prefix + name);
  }

  /** Fails with a 400 naming every bad field, if there is any. */
  public void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw MeshError.invalid(problems.copy());
    }
  }

  /** An unknown field's name as it can safely go back in an error: short, printable ASCII. */
  private static String printable(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints().limit(MAX_REPORTED_NAME).forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return name.length() > MAX_REPORTED_NAME ? out + "..." : out.toString();
  }
}
