package dev.mesh.users;

import dev.mesh.common.Endpoint;
import dev.mesh.db.DatabaseService;
import io.vertx.core.Future;
import java.util.List;

/**
 * The users service on {@code mesh.users}. The endpoint table below is the whole contract: route, action,
 * handler (see docs/users.md).
 */
public class UserVerticle extends DatabaseService {

  private UserHandlers handlers;

  @Override
  protected String name() {
    return "users";
  }

  @Override
  protected Future<?> prepare() {
    return openDatabase().onSuccess(db -> {
      handlers = new UserHandlers(new UserStore(db.pool()), new UserEvents(vertx));
    });
  }

  @Override
  protected List<Endpoint> endpoints() {
    return List.of(
        Endpoint.post("/api/users", "create", handlers::createUser),
        Endpoint.get("/api/users/:id", "get", handlers::getUser),
        Endpoint.get("/api/users", "list", handlers::listUsers),
        Endpoint.patch("/api/users/:id", "update", handlers::updateUser),
        Endpoint.delete("/api/users/:id", "delete", handlers::deleteUser));
  }
}
