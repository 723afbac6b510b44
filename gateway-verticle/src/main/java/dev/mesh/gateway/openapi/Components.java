package dev.mesh.gateway.openapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parts of the document every operation shares: the mesh's one error shape and the common errors. */
final class Components {

  private static final String RESPONSES = "#/components/responses/";
  /** The security scheme every non-public operation names: a JWT the gateway verifies. */
  static final String BEARER = "bearer";

  private Components() {
  }

  static JsonObject json() {
    JsonObject error = new JsonObject()
        .put("type", "object")
        .put("description", "Every error the mesh answers, whatever its origin (the gateway, a Java service"
            + " or a foreign one).")
        .put("required", new JsonArray().add("status").add("error").add("message"))
        .put("properties", new JsonObject()
            .put("status", new JsonObject().put("type", "integer").put("description", "the HTTP status, again"))
            .put("error", new JsonObject().put("type", "string")
                .put("description", "a stable code: invalid, bad_request, not_found, conflict, unavailable, timeout, ..."))
            .put("message", new JsonObject().put("type", "string").put("description", "what went wrong, for people"))
            .put("fields", new JsonObject().put("type", "object")
                .put("description", "for invalid input: every bad field (items[0].quantity for nested ones) and why")
                .put("additionalProperties", new JsonObject().put("type", "string"))))
        .put("examples", new JsonArray().add(new JsonObject().put("status", 400).put("error", "invalid")
            .put("message", "the request has invalid fields")
            .put("fields", new JsonObject().put("email", "must be an email address such as ada@example.com"))));
    JsonObject responses = new JsonObject()
        .put("Invalid", response("the request is not acceptable: a bad body, parameter or field (see fields)"))
        .put("TooLarge", response("the body is over the gateway's limit (GATEWAY_BODY_LIMIT_BYTES)"))
        .put("Unavailable", response("the service has no instance, or its circuit breaker is open"
            + " (then with Retry-After)"))
        .put("Timeout", response("the service did not answer in time"))
        .put("Unauthorized", response("no bearer token, or one that is not valid (with WWW-Authenticate)"))
        .put("Forbidden", response("the token lacks a role or scope the route requires, or the service refuses"
            + " this caller"))
        .put("TooManyRequests", response("over the rate limit of the route's class (with Retry-After)"));
    JsonObject bearer = new JsonObject().put("type", "http").put("scheme", "bearer").put("bearerFormat", "JWT")
        .put("description", "a JWT signed by an issuer the gateway trusts; its roles and scopes claims are checked"
            + " against the operation's");
    return new JsonObject()
        .put("schemas", new JsonObject().put("Error", error))
        .put("responses", responses)
        .put("securitySchemes", new JsonObject().put(BEARER, bearer));
  }

  /** Status to reference of the errors any route may answer. */
  static Map<String, String> commonErrors(boolean hasBody, boolean open) {
    Map<String, String> errors = new LinkedHashMap<>();
    errors.put("400", RESPONSES + "Invalid");
    if (!open) {
      errors.put("401", RESPONSES + "Unauthorized");
      errors.put("403", RESPONSES + "Forbidden");
    }
    errors.put("429", RESPONSES + "TooManyRequests");
    if (hasBody) {
      errors.put("413", RESPONSES + "TooLarge");
    }
    errors.put("503", RESPONSES + "Unavailable");
    errors.put("504", RESPONSES + "Timeout");
    return errors;
  }

  private static JsonObject response(String description) {
    return new JsonObject().put("description", description).put("content", new JsonObject()
        .put("application/json", new JsonObject().put("schema", new JsonObject().put("$ref", OpenApiDocument.ERROR))));
  }
}
