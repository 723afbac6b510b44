package dev.mesh.users;

import dev.mesh.common.Database;
import dev.mesh.common.Caller;
import dev.mesh.common.Endpoint;
import dev.mesh.common.MeshService;
import io.vertx.core.Future;
import java.util.List;

/**
 * The users service on {@code mesh.users}. The endpoint table below is the whole contract: route, action,
 * handler (see docs/users.md).
 */
public class UserVerticle extends MeshService {

  private Database database;
  private UserHandlers handlers;

  @Override
  protected String name() {
    return "users";
  }

  @Override
  protected Future<?> prepare() {
    return Database.open(vertx, settings, name()).onSuccess(db -> {
      database = db;
      handlers = new UserHandlers(new UserStore(db.pool()), new UserEvents(vertx));
    });
  }

  @Override
  protected List<Endpoint> endpoints() {
    return List.of(
        // an operator creates and lists users; a customer reads and changes only their own record
        Endpoint.post("/api/users", "create", handlers::createUser).requireRoles(Caller.ADMIN),
        Endpoint.get("/api/users/:id", "get", handlers::getUser),
        Endpoint.get("/api/users", "list", handlers::listUsers).requireRoles(Caller.ADMIN),
        Endpoint.patch("/api/users/:id", "update", handlers::updateUser),
        Endpoint.delete("/api/users/:id", "delete", handlers::deleteUser));
  }

  @Override
  protected Future<?> cleanup() {
    return database == null ? Future.succeededFuture() : database.close();
  }
}
