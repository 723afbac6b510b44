package dev.mesh.users;

import dev.mesh.common.testing.SchemaAgreement;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The published schemas of the user routes and UserValidation agree, body by body (no drift). */
class UserSchemasTest {

  private static final JsonObject NO_PATH = new JsonObject();
  private static final JsonObject PATH_ID = new JsonObject().put("id", "3f2b8c1e-7d4a-4e9b-9c1f-0a2b3c4d5e6f");

  @Test
  void createUser() {
    SchemaAgreement.route("POST /api/users", UserSchemas.NEW_USER, NO_PATH, UserValidation::create)
        .accepts("{\"email\": \"ada@example.com\", \"name\": \"Ada Lovelace\"}")
        .accepts("{\"email\": \"  o'brien+shop@mail.example.co.uk \", \"name\": \"Zoë\"}")
        .accepts("{\"email\": \"a@b.io\", \"name\": \"" + "x".repeat(100) + "\"}")
        .rejects("{}")
        .rejects("{\"email\": \"ada@example.com\"}")
        .rejects("{\"email\": \"not-an-email\", \"name\": \"Ada\"}")
        .rejects("{\"email\": \"ada@example\", \"name\": \"Ada\"}")
        .rejects("{\"email\": \"ada@@example.com\", \"name\": \"A\"}")
        .rejects("{\"email\": 42, \"name\": [\"Ada\"]}")
        .rejects("{\"email\": null, \"name\": null}")
        .rejects("{\"email\": \"ada@example.com\", \"name\": \"" + "x".repeat(101) + "\"}")
        .rejects("{\"email\": \"ada@example.com\", \"name\": \"Ada\", \"id\": \"mine\"}")
        .rejects("{\"email\": \"ada@example.com\", \"name\": \"Ada\", \"admin\": true}")
        .rejects("{\"email\": \"" + "a".repeat(250) + "@example.com\", \"name\": \"Ada\"}")
        // what JSON Schema cannot say: text after trimming, control characters, the local part's length
        .onlyTheServiceRejects("{\"email\": \"ada@example.com\", \"name\": \" A \"}")
        .onlyTheServiceRejects("{\"email\": \"ada@example.com\", \"name\": \"Ada\\u0000\"}")
        .onlyTheServiceRejects("{\"email\": \"" + "a".repeat(65) + "@example.com\", \"name\": \"Ada\"}")
        .verify();
  }

  @Test
  void updateUser() {
    SchemaAgreement.route("PATCH /api/users/{id}", UserSchemas.USER_CHANGES, PATH_ID, UserValidation::update)
        .accepts("{\"name\": \"Ada King\"}")
        .accepts("{\"email\": \"ada@example.org\"}")
        .accepts("{\"email\": \"ada@example.org\", \"name\": \"Ada King\"}")
        .rejects("{}")
        .rejects("{\"name\": \"A\"}")
        .rejects("{\"email\": \"nope\"}")
        .rejects("{\"email\": null}")
        .rejects("{\"name\": \"Ada\", \"nickname\": \"A\"}")
        .rejects("{\"nickname\": \"A\"}")
        .rejects("{\"name\": 7, \"email\": false}")
        .onlyTheServiceRejects("{\"name\": \"Ada\\u202eKing\"}")
        .verify();
  }
}
