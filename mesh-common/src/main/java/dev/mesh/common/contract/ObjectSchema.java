package dev.mesh.common.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A JSON object with named fields and nothing else, the shape every action's input has: unknown fields are
 * refused, as {@code Fields.of(input, allowed)} refuses them in the service.
 */
public final class ObjectSchema {

  private final JsonObject properties = new JsonObject();
  private final JsonArray required = new JsonArray();
  private JsonArray atLeastOne;
  private String invalid;

  ObjectSchema() {
  }

  public ObjectSchema required(String name, JsonObject schema) {
    properties.put(name, schema);
    required.add(name);
    return this;
  }

  public ObjectSchema optional(String name, JsonObject schema) {
    properties.put(name, schema);
    return this;
  }

  /** At least one of these (optional) fields must be given; {@code message} is said of each of them. */
  public ObjectSchema atLeastOneOf(String message, String... names) {
    atLeastOne = new JsonArray();
    for (String name : names) {
      atLeastOne.add(new JsonObject().put("required", new JsonArray().add(name)));
    }
    invalid = message;
    return this;
  }

  /** What the service says of a value that is not such an object at all (an array item, say). */
  public ObjectSchema invalid(String message) {
    invalid = message;
    return this;
  }

  public JsonObject toJson() {
    JsonObject schema = new JsonObject().put("type", "object").put("properties", properties.copy())
        .put("additionalProperties", false);
    if (!required.isEmpty()) {
      schema.put("required", required.copy());
    }
    if (atLeastOne != null) {
      schema.put("anyOf", atLeastOne.copy());
    }
    if (invalid != null) {
      schema.put(Schemas.INVALID, invalid);
    }
    return schema;
  }
}
