package dev.mesh.users;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A user as stored and as answered. {@code seq} is the page order and never leaves the service. */
record User(UUID id, long seq, String email, String name, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  static User from(Row row) {
    return new User(row.getUUID("id"), row.getLong("seq"), row.getString("email"), row.getString("name"),
        row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("email", email)
        .put("name", name)
        .put("createdAt", createdAt.toInstant().toString())
        .put("updatedAt", updatedAt.toInstant().toString());
  }
}
