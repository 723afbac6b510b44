package dev.mesh.common.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a JSON value against a route's schema (vertx-json-schema) and tells every problem the way the
 * services' hand validation does: {@code field -> reason}, nested fields as {@code items[0].quantity}, the
 * first problem of a field winning. Reasons come from the schema: {@code is required}, {@code must be a
 * string}, {@code unknown field; allowed: ...}, or the service's own words in {@link Schemas#INVALID}.
 * Thread-safe and meant to be built once per schema.
 */
public final class SchemaCheck {

  private static final Pattern REQUIRED = Pattern.compile("required property \"(.*)\"");
  private static final String ROOT = "#";

  private final JsonObject schema;
  private final Validator validator;

  private SchemaCheck(JsonObject schema) {
    this.schema = schema.copy(); // kept as given: the validator annotates its own copy
    this.validator = Validator.create(JsonSchema.of(schema.copy()), new JsonSchemaOptions()
        .setDraft(Draft.DRAFT202012)
        .setBaseUri("urn:mesh:route")
        .setOutputFormat(OutputFormat.Basic));
  }

  /** A check for this schema; an {@link IllegalArgumentException} when it cannot check anything with it. */
  public static SchemaCheck of(JsonObject schema) {
    try {
      SchemaCheck check = new SchemaCheck(schema);
      check.validator.validate(new JsonObject()); // unresolvable references show here, not on a request
      return check;
    } catch (SchemaException | IllegalStateException | ClassCastException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a usable JSON Schema: " + e.getMessage(), e);
    }
  }

  public JsonObject schema() {
    return schema.copy();
  }

  /** Every problem of {@code value} as {@code field -> reason}; empty when it meets the schema. */
  public JsonObject problems(Object value) {
    OutputUnit result = validator.validate(value);
    JsonObject problems = new JsonObject();
    if (Boolean.TRUE.equals(result.getValid()) || result.getErrors() == null) {
      return problems;
    }
    for (OutputUnit error : result.getErrors()) {
      describe(error, value, problems);
    }
    if (problems.isEmpty()) {
      problems.put("body", result.getErrors().get(0).getError()); // a schema shape this class does not read
    }
    return problems;
  }

  private void describe(OutputUnit error, Object root, JsonObject problems) {
    List<String> keywordPath = pointer(error.getKeywordLocation());
    if (keywordPath.isEmpty()) {
      return;
    }
    String keyword = keywordPath.get(keywordPath.size() - 1);
    JsonObject where = schemaAt(keywordPath.subList(0, keywordPath.size() - 1));
    List<String> instancePath = pointer(error.getInstanceLocation());
    Object value = valueAt(root, instancePath);
    String field = fieldName(instancePath);
    switch (keyword) {
      case "properties", "items", "prefixItems", "$ref", "allOf", "patternProperties", "dependentSchemas" -> {
        // a wrapper: the problem inside it is reported on its own
      }
      case "required" -> {
        if (!keywordPath.contains("anyOf") && !keywordPath.contains("oneOf")) {
          Matcher missing = REQUIRED.matcher(String.valueOf(error.getError()));
          if (missing.find()) {
            add(problems, child(field, missing.group(1)), "is required");
          }
        }
      }
      case "anyOf", "oneOf" -> atLeastOne(where, keyword, field, error, problems);
      case "additionalProperties" -> {
        String name = instancePath.isEmpty() ? "" : instancePath.get(instancePath.size() - 1);
        JsonObject declared = where == null ? null : where.getJsonObject("properties");
        if (declared == null || !declared.containsKey(name)) {
          List<String> allowed = declared == null ? List.of() : declared.fieldNames().stream().sorted().toList();
          add(problems, field, "unknown field; allowed: " + String.join(", ", allowed));
        }
      }
      case "type" -> add(problems, field, typeProblem(where, value, error));
      default -> add(problems, field, ownWords(where, error));
    }
  }

  /** {@code anyOf} of {@code required} branches is "give one of these": each of them is named. */
  private void atLeastOne(JsonObject where, String keyword, String field, OutputUnit error, JsonObject problems) {
    JsonArray branches = where == null ? null : where.getJsonArray(keyword);
    List<String> names = new ArrayList<>();
    if (branches != null) {
      for (Object branch : branches) {
        if (branch instanceof JsonObject b && b.size() == 1 && b.getValue("required") instanceof JsonArray required) {
          required.forEach(name -> names.add(String.valueOf(name)));
        }
      }
    }
    if (names.isEmpty()) {
      add(problems, field, ownWords(where, error));
      return;
    }
    String reason = where.getString(Schemas.INVALID, "give one of " + String.join(", ", names));
    names.forEach(name -> add(problems, child(field, name), reason));
  }

  private static String typeProblem(JsonObject where, Object value, OutputUnit error) {
    if (value == null) {
      return "must not be null";
    }
    Object expected = where == null ? null : where.getValue("type");
    if ("string".equals(expected)) {
      return "must be a string";
    }
    if ("array".equals(expected)) {
      return "must be an array";
    }
    if ("integer".equals(expected) || "number".equals(expected)) {
      return value instanceof Number ? ownWords(where, error) : "must be a number";
    }
    if ("boolean".equals(expected)) {
      return "must be true or false";
    }
    return ownWords(where, error);
  }

  private static String ownWords(JsonObject where, OutputUnit error) {
    return where != null && where.getValue(Schemas.INVALID) instanceof String words ? words : String.valueOf(error.getError());
  }

  private static void add(JsonObject problems, String field, String reason) {
    String key = field.isEmpty() ? "body" : field;
    if (!problems.containsKey(key)) {
      problems.put(key, reason);
    }
  }

  /** The schema object at a keyword path, or null where the path goes through a reference. */
  private JsonObject schemaAt(List<String> path) {
    Object node = schema;
    for (String token : path) {
      if (node instanceof JsonObject object) {
        node = object.getValue(token);
      } else if (node instanceof JsonArray array && token.matches("[0-9]{1,6}") && Integer.parseInt(token) < array.size()) {
        node = array.getValue(Integer.parseInt(token));
      } else {
        return null;
      }
    }
    return node instanceof JsonObject object ? object : null;
  }

  private static Object valueAt(Object root, List<String> path) {
    Object node = root;
    for (String token : path) {
      if (node instanceof JsonObject object) {
        node = object.getValue(token);
      } else if (node instanceof Map<?, ?> map) {
        node = map.get(token);
      } else if (node instanceof JsonArray array && token.matches("[0-9]{1,9}") && Integer.parseInt(token) < array.size()) {
        node = array.getValue(Integer.parseInt(token));
      } else {
        return null;
      }
    }
    return node;
  }

  /** {@code items/0/quantity} is {@code items[0].quantity}, as the services name nested fields. */
  private static String fieldName(List<String> path) {
    StringBuilder name = new StringBuilder();
    for (String token : path) {
      if (token.matches("[0-9]{1,9}")) {
        name.append('[').append(token).append(']');
      } else {
        name.append(name.length() == 0 ? "" : ".").append(token);
      }
    }
    return name.toString();
  }

  private static String child(String field, String name) {
    return field.isEmpty() ? name : field + "." + name;
  }

  /** The tokens of a JSON pointer such as {@code #/items/0/quantity} (RFC 6901 escapes undone). */
  private static List<String> pointer(String location) {
    List<String> tokens = new ArrayList<>();
    if (location == null) {
      return tokens;
    }
    String path = location.startsWith(ROOT) ? location.substring(1) : location;
    for (String token : path.split("/")) {
      if (!token.isEmpty()) {
        tokens.add(decode(token));
      }
    }
    return tokens;
  }

  private static String decode(String token) {
    String text = token;
    if (text.indexOf('%') >= 0) {
      try {
        text = java.net.URLDecoder.decode(text.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException notEncoded) {
        // keep it as it is
      }
    }
    return text.replace("~1", "/").replace("~0", "~");
  }
}
