package dev.mesh.users;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * The users service's domain events. Each carries its own {@code eventId} so receivers can drop
 * duplicates, and is published only after the change is committed, so no one hears of a change that
 * did not happen.
 */
final class UserEvents {

  static final String CREATED = "events.user.created";
  static final String UPDATED = "events.user.updated";
  static final String DELETED = "events.user.deleted";

  private final Vertx vertx;

  UserEvents(Vertx vertx) {
    this.vertx = vertx;
  }

  void created(User user) {
    publish(CREATED, user);
  }

  void updated(User user) {
    publish(UPDATED, user);
  }

  void deleted(User user) {
    publish(DELETED, user);
  }

  private void publish(String address, User user) {
    JsonObject event = user.toJson()
        .put("eventId", UUID.randomUUID().toString())
        .put("occurredAt", Instant.now().toString());
    vertx.eventBus().publish(address, event);
  }
}
