package dev.mesh.users;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshError;
import dev.mesh.common.Reply;
import dev.mesh.db.PgErrors;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One method per action of {@code mesh.users}: validate, store, then publish what changed. */
final class UserHandlers {

  private static final Logger log = LoggerFactory.getLogger(UserHandlers.class);

  private final UserStore store;
  private final UserEvents events;

  UserHandlers(UserStore store, UserEvents events) {
    this.store = store;
    this.events = events;
  }

  Future<Reply> createUser(JsonObject input) {
    UserValidation.NewUser request = UserValidation.create(input);
    return store.insert(UUID.randomUUID(), request.email(), request.name())
        .recover(failure -> Future.failedFuture(emailTaken(failure, request.email())))
        .onSuccess(user -> {
          log.info("user {} created", user.id());
          events.created(user);
        })
        .map(user -> Reply.created(user.toJson()));
  }

  Future<Reply> getUser(JsonObject input) {
    UUID id = UserValidation.id(input);
    requireOwner(input, id);
    return store.find(id).recover(UserHandlers::translated).map(found -> Reply.ok(orNotFound(found, id).toJson()));
  }

  Future<Reply> listUsers(JsonObject input) {
    UserValidation.Page page = UserValidation.page(input);
    return store.pageAfter(page.afterSeq(), page.limit()).recover(UserHandlers::translated)
        .map(users -> Reply.ok(pageJson(users, page.limit())));
  }

  Future<Reply> updateUser(JsonObject input) {
    UserValidation.UserChanges changes = UserValidation.update(input);
    requireOwner(input, changes.id());
    return store.update(changes.id(), changes.email(), changes.name())
        .recover(failure -> Future.failedFuture(emailTaken(failure, changes.email())))
        .map(found -> orNotFound(found, changes.id()))
        .onSuccess(events::updated)
        .map(user -> Reply.ok(user.toJson()));
  }

  Future<Reply> deleteUser(JsonObject input) {
    UUID id = UserValidation.id(input);
    requireOwner(input, id);
    return store.delete(id)
        .recover(UserHandlers::translated)
        .map(found -> orNotFound(found, id))
        .onSuccess(user -> {
          log.info("user {} deleted", user.id());
          events.deleted(user);
        })
        .map(user -> Reply.ok(user.toJson().put("deleted", true)));
  }

  /** A customer sees only their own record: another's is "not found", so ids cannot be probed. */
  private static void requireOwner(JsonObject input, UUID id) {
    if (!Caller.of(input).mayActFor(id.toString())) {
      throw MeshError.notFound("no user with id " + id);
    }
  }

  private static JsonObject pageJson(List<User> users, int limit) {
    boolean more = users.size() > limit;
    List<User> page = more ? users.subList(0, limit) : users;
    JsonArray items = new JsonArray();
    page.forEach(user -> items.add(user.toJson()));
    String next = more ? UserValidation.cursorAfter(page.get(page.size() - 1)) : null;
    return new JsonObject().put("items", items).put("next", next);
  }

  private static User orNotFound(Optional<User> found, UUID id) {
    return found.orElseThrow(() -> MeshError.notFound("no user with id " + id));
  }

  private static <T> Future<T> translated(Throwable failure) {
    return Future.failedFuture(PgErrors.translate(failure));
  }

  /** The unique index on lower(email) is the one judge of "already taken", also under races. */
  private static Throwable emailTaken(Throwable failure, String email) {
    if (PgErrors.isUniqueViolation(failure)) {
      return MeshError.conflict("a user with this email already exists")
          .withFields(new JsonObject().put("email", "is already taken (emails are compared without case)"));
    }
    return PgErrors.translate(failure);
  }
}
