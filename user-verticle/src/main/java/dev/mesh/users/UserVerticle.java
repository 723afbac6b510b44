package dev.mesh.users;

import dev.mesh.common.Endpoint;
import dev.mesh.common.contract.Schemas;
import dev.mesh.contracts.UsersContract;
import dev.mesh.contracts.UsersContract.Action;
import dev.mesh.db.DatabaseService;
import io.vertx.core.Future;
import java.util.List;

/**
 * The users service ({@link UsersContract}: its address, actions and events). The endpoint table below
 * pairs each action with its route and handler (see docs/users.md).
 */
public class UserVerticle extends DatabaseService {

  private UserHandlers handlers;

  @Override
  protected String name() {
    return UsersContract.SERVICE;
  }

  @Override
  protected Future<?> prepare() {
    return openDatabase().onSuccess(db -> {
      handlers = new UserHandlers(new UserStore(db.pool()), new UserEvents(vertx));
    });
  }

  @Override
  protected List<UsersContract.Event> events() {
    return List.of(UsersContract.Event.values());
  }

  @Override
  protected List<Endpoint> endpoints() {
    return List.of(
        Endpoint.post("/api/users", Action.CREATE, handlers::createUser)
            .summary("Create a user").body(UserSchemas.NEW_USER)
            .responds(201, "the new user").responds(409, "a user with this email exists"),
        Endpoint.get("/api/users/:id", Action.GET, handlers::getUser)
            .summary("Read a user").responds(200, "the user").responds(404, "no such user"),
        Endpoint.get("/api/users", Action.LIST, handlers::listUsers)
            .summary("List users, oldest first, a page at a time")
            .query("limit", "page size (default " + UserValidation.PAGE_DEFAULT + ")",
                Schemas.wholeNumber(1, UserValidation.PAGE_MAX))
            .query("after", "the 'next' cursor of the previous page", Schemas.string())
            .responds(200, "{items, next}: a page of users and the cursor of the next page (null at the end)"),
        Endpoint.patch("/api/users/:id", Action.UPDATE, handlers::updateUser)
            .summary("Change a user's email or name").body(UserSchemas.USER_CHANGES)
            .responds(200, "the changed user").responds(404, "no such user")
            .responds(409, "a user with this email exists"),
        Endpoint.delete("/api/users/:id", Action.DELETE, handlers::deleteUser)
            .summary("Delete a user").responds(200, "the deleted user, with deleted: true")
            .responds(404, "no such user"));
  }
}
