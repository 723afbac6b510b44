package dev.mesh.common.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * Small builders for the JSON Schemas (draft 2020-12, the dialect of OpenAPI 3.1) that routes declare for
 * their request bodies. A service writes its schemas with the same constants and patterns as its hand
 * validation, so the two say the same thing; its contract test proves it on a table of inputs.
 */
public final class Schemas {

  /**
   * Extension keyword with the service's own words for a value the schema refuses, so that the gateway's
   * 400 reads like the service's ("must be a whole number from 1 to 1000", not "5000 is greater than 1000").
   */
  public static final String INVALID = "x-invalid";

  private Schemas() {
  }

  public static ObjectSchema object() {
    return new ObjectSchema();
  }

  /** Human text of {@code min} to {@code max} characters. */
  public static JsonObject text(int min, int max) {
    return new JsonObject().put("type", "string").put("minLength", min).put("maxLength", max)
        .put(INVALID, "must be " + min + " to " + max + " characters after trimming");
  }

  /** A string matching {@code shape} as a whole (Java's {@code matches}); the pattern is anchored here. */
  public static JsonObject matching(Pattern shape, String invalid) {
    return new JsonObject().put("type", "string").put("pattern", "^(?:" + shape.pattern() + ")$").put(INVALID, invalid);
  }

  /** A whole JSON number from {@code min} to {@code max}. */
  public static JsonObject wholeNumber(long min, long max) {
    return new JsonObject().put("type", "integer").put("minimum", min).put("maximum", max)
        .put(INVALID, "must be a whole number from " + min + " to " + max);
  }

  /** An array of {@code min} to {@code max} items, each meeting {@code items}. */
  public static JsonObject arrayOf(JsonObject items, int min, int max) {
    return new JsonObject().put("type", "array").put("items", items).put("minItems", min).put("maxItems", max)
        .put(INVALID, "must hold " + min + " to " + max + " items");
  }

  /** A canonical UUID string, such as {@code 3f2b8c1e-7d4a-4e9b-9c1f-0a2b3c4d5e6f}. */
  public static JsonObject uuid() {
    return new JsonObject().put("type", "string").put("format", "uuid")
        .put("pattern", "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
        .put(INVALID, "must be a UUID such as 3f2b8c1e-7d4a-4e9b-9c1f-0a2b3c4d5e6f");
  }

  /** A plain string, for query parameters such as an opaque cursor. */
  public static JsonObject string() {
    return new JsonObject().put("type", "string");
  }

  /** The schema with a description for readers of the document. */
  public static JsonObject described(JsonObject schema, String description) {
    return schema.copy().put("description", description);
  }

  /** The schema with an example value, which the API explorer fills in. */
  public static JsonObject example(JsonObject schema, Object example) {
    return schema.copy().put("examples", new JsonArray().add(example));
  }
}
