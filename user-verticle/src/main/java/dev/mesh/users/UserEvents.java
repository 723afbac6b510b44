package dev.mesh.users;

import dev.mesh.contracts.UsersContract.Event;
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

  private final Vertx vertx;

  UserEvents(Vertx vertx) {
    this.vertx = vertx;
  }

  void created(User user) {
    publish(Event.CREATED, user);
  }

  void updated(User user) {
    publish(Event.UPDATED, user);
  }

  void deleted(User user) {
    publish(Event.DELETED, user);
  }

  private void publish(Event event, User user) {
    JsonObject body = user.toJson()
        .put("eventId", UUID.randomUUID().toString())
        .put("occurredAt", Instant.now().toString());
    vertx.eventBus().publish(event.address(), body);
  }
}
