package dev.mesh.users;

import dev.mesh.common.contract.Schemas;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The request bodies of the user routes as JSON Schemas, written from {@link UserValidation}'s own limits
 * and patterns. The gateway publishes them and refuses a body that fails them; UserSchemasTest proves on a
 * table of bodies that they and UserValidation give the same verdict.
 */
final class UserSchemas {

  // the service strips surrounding whitespace from an email before it checks it
  private static final Pattern EMAIL = Pattern.compile("\\s*(?:" + UserValidation.EMAIL.pattern() + ")\\s*");
  private static final String EMAIL_INVALID = "must be an email address such as ada@example.com";
  private static final String GIVE_ONE = "give email or name (or both) to change";

  static final JsonObject NEW_USER = Schemas.object()
      .required("email", email())
      .required("name", name())
      .toJson();

  static final JsonObject USER_CHANGES = Schemas.object()
      .optional("email", email())
      .optional("name", name())
      .atLeastOneOf(GIVE_ONE, "email", "name")
      .toJson();

  private UserSchemas() {
  }

  private static JsonObject email() {
    return Schemas.example(Schemas.described(Schemas.matching(EMAIL, EMAIL_INVALID)
        .put("maxLength", UserValidation.EMAIL_MAX), "unique among users, compared without case"), "ada@example.com");
  }

  private static JsonObject name() {
    return Schemas.example(Schemas.text(UserValidation.NAME_MIN, UserValidation.NAME_MAX), "Ada Lovelace");
  }
}
