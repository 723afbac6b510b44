package dev.mesh.users;

import dev.mesh.common.Caller;
import dev.mesh.common.Endpoint;
import dev.mesh.common.contract.Schemas;
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
        // an operator creates and lists users; a customer reads and changes only their own record
        Endpoint.post("/api/users", "create", handlers::createUser).requireRoles(Caller.ADMIN)
            .summary("Create a user").body(UserSchemas.NEW_USER)
            .responds(201, "the new user").responds(409, "a user with this email exists"),
        Endpoint.get("/api/users/:id", "get", handlers::getUser)
            .summary("Read a user").responds(200, "the user").responds(404, "no such user"),
        Endpoint.get("/api/users", "list", handlers::listUsers).requireRoles(Caller.ADMIN)
            .summary("List users, oldest first, a page at a time")
            .query("limit", "page size (default " + UserValidation.PAGE_DEFAULT + ")",
                Schemas.wholeNumber(1, UserValidation.PAGE_MAX))
            .query("after", "the 'next' cursor of the previous page", Schemas.string())
            .responds(200, "{items, next}: a page of users and the cursor of the next page (null at the end)"),
        Endpoint.patch("/api/users/:id", "update", handlers::updateUser)
            .summary("Change a user's email or name").body(UserSchemas.USER_CHANGES)
            .responds(200, "the changed user").responds(404, "no such user")
            .responds(409, "a user with this email exists"),
        Endpoint.delete("/api/users/:id", "delete", handlers::deleteUser)
            .summary("Delete a user").responds(200, "the deleted user, with deleted: true")
            .responds(404, "no such user"));
  }
}
