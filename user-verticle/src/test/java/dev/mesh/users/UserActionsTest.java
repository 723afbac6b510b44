package dev.mesh.users;

import static dev.mesh.users.UsersBus.call;
import static dev.mesh.users.UsersBus.callNamed;
import static dev.mesh.users.UsersBus.error;
import static dev.mesh.users.UsersBus.newUser;
import static dev.mesh.users.UsersBus.status;
import static dev.mesh.users.UsersBus.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.contracts.UsersContract.Action;
import dev.mesh.contracts.UsersContract;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each action of {@code mesh.users} against a real (embedded) PostgreSQL, shared by the tests of this class. */
@ExtendWith(VertxExtension.class)
// each test (or its setup) starts an embedded PostgreSQL: on a loaded machine that can pass the
// extension's default 30 s
@Timeout(value = 2, timeUnit = TimeUnit.MINUTES)
class UserActionsTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void deploy(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = new JsonObject().put("MESH_DATA_DIR", dataDir.toString());
    vertx.deployVerticle(new UserVerticle(), new DeploymentOptions().setConfig(config))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void createAnswers201WithServerMadeIdAndTimes(Vertx vertx, VertxTestContext ctx) {
    String email = uniqueEmail();
    call(vertx, Action.CREATE, newUser("  " + email + " ", "  Ada Lovelace  ")).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(201, status(reply));
      JsonObject user = reply.body();
      assertEquals(email, user.getString("email"));
      assertEquals("Ada Lovelace", user.getString("name"));
      assertNotNull(UUID.fromString(user.getString("id")));
      assertNotNull(user.getString("createdAt"));
      assertEquals(user.getString("createdAt"), user.getString("updatedAt"));
      ctx.completeNow();
    })));
  }

  @Test
  void getFindsACreatedUser(Vertx vertx, VertxTestContext ctx) {
    call(vertx, Action.CREATE, newUser(uniqueEmail(), "Grace Hopper"))
        .compose(created -> call(vertx, Action.GET, new JsonObject().put("id", created.body().getString("id")))
            .map(found -> List.of(created, found)))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          assertEquals(both.get(0).body(), both.get(1).body());
          assertEquals(200, status(both.get(1)));
          ctx.completeNow();
        })));
  }

  @Test
  void getOfAnUnknownIdAnswers404(Vertx vertx, VertxTestContext ctx) {
    call(vertx, Action.GET, new JsonObject().put("id", UUID.randomUUID().toString()))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(404, status(failure));
          assertEquals("not_found", error(failure).getString("error"));
          ctx.completeNow();
        })));
  }

  @Test
  void getOfAMalformedIdAnswers400NamingTheField(Vertx vertx, VertxTestContext ctx) {
    call(vertx, Action.GET, new JsonObject().put("id", "1' OR '1'='1"))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(400, status(failure));
          assertTrue(error(failure).getJsonObject("fields").containsKey("id"));
          ctx.completeNow();
        })));
  }

  @Test
  void emailIsUniqueWithoutRegardToCase(Vertx vertx, VertxTestContext ctx) {
    String email = uniqueEmail();
    call(vertx, Action.CREATE, newUser(email, "First Owner"))
        .compose(first -> call(vertx, Action.CREATE, newUser(email.toUpperCase(), "Second Owner")))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(409, status(failure));
          JsonObject error = error(failure);
          assertEquals("conflict", error.getString("error"));
          assertTrue(error.getJsonObject("fields").containsKey("email"));
          ctx.completeNow();
        })));
  }

  @Test
  void concurrentCreatesOfOneEmailLetExactlyOneWin(Vertx vertx, VertxTestContext ctx) {
    String email = uniqueEmail();
    List<Future<Integer>> attempts = IntStream.range(0, 10)
        .mapToObj(i -> call(vertx, Action.CREATE, newUser(i % 2 == 0 ? email : email.toUpperCase(), "Racer " + i))
            .map(UsersBus::status)
            .recover(failure -> Future.succeededFuture(status(failure))))
        .toList();
    Future.all(attempts).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      List<Integer> statuses = all.list();
      assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
      assertEquals(9, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
      ctx.completeNow();
    })));
  }

  @Test
  void sqlMetacharactersAreStoredAsPlainText(Vertx vertx, VertxTestContext ctx) {
    String name = "Robert'); DROP TABLE users;-- \\ % _ $1";
    String email = "o'brien+" + UUID.randomUUID() + "@example.com";
    call(vertx, Action.CREATE, newUser(email, name))
        .compose(created -> call(vertx, Action.GET, new JsonObject().put("id", created.body().getString("id"))))
        .onComplete(ctx.succeeding(found -> ctx.verify(() -> {
          assertEquals(name, found.body().getString("name"));
          assertEquals(email, found.body().getString("email"));
          ctx.completeNow();
        })));
  }

  @Test
  void listPagesByCursorInCreationOrder(Vertx vertx, VertxTestContext ctx) {
    List<String> created = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < 5; i++) {
      int n = i;
      chain = chain.compose(v -> call(vertx, Action.CREATE, newUser(uniqueEmail(), "Pager " + n))
          .map(reply -> created.add(reply.body().getString("id"))).mapEmpty());
    }
    List<String> seen = new ArrayList<>();
    chain.compose(v -> readAllPages(vertx, null, seen)).onComplete(ctx.succeeding(pages -> ctx.verify(() -> {
      assertEquals(seen.size(), seen.stream().distinct().count(), "no user appears twice");
      List<String> ours = seen.stream().filter(created::contains).toList();
      assertEquals(created, ours, "every created user, in creation order");
      assertTrue(pages > 1, "limit 2 must give several pages");
      ctx.completeNow();
    })));
  }

  /** Reads every page with limit "2" (a string, as a query parameter arrives); answers the page count. */
  private Future<Integer> readAllPages(Vertx vertx, String after, List<String> seen) {
    JsonObject query = new JsonObject().put("limit", "2");
    if (after != null) {
      query.put("after", after);
    }
    return call(vertx, Action.LIST, query).compose(reply -> {
      JsonArray items = reply.body().getJsonArray("items");
      items.forEach(item -> seen.add(((JsonObject) item).getString("id")));
      String next = reply.body().getString("next");
      if (next == null) {
        return Future.succeededFuture(1);
      }
      return readAllPages(vertx, next, seen).map(n -> n + 1);
    });
  }

  @Test
  void listWithoutArgumentsAnswersAFirstPage(Vertx vertx, VertxTestContext ctx) {
    call(vertx, Action.LIST, new JsonObject()).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(200, status(reply));
      assertNotNull(reply.body().getJsonArray("items"));
      assertTrue(reply.body().containsKey("next"));
      ctx.completeNow();
    })));
  }

  @Test
  void updateChangesNameAndEmailAndPublishesAnEvent(Vertx vertx, VertxTestContext ctx) {
    String newEmail = uniqueEmail();
    List<JsonObject> events = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(UsersContract.Event.UPDATED.address(), msg -> events.add(msg.body()));
    call(vertx, Action.CREATE, newUser(uniqueEmail(), "Old Name"))
        .compose(created -> call(vertx, Action.UPDATE, new JsonObject()
            .put("id", created.body().getString("id")).put("name", "New Name").put("email", newEmail))
            .map(updated -> List.of(created.body(), updated.body())))
        .compose(both -> vertx.timer(200).map(both))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          JsonObject before = both.get(0);
          JsonObject after = both.get(1);
          assertEquals(before.getString("id"), after.getString("id"));
          assertEquals("New Name", after.getString("name"));
          assertEquals(newEmail, after.getString("email"));
          assertEquals(before.getString("createdAt"), after.getString("createdAt"));
          assertNotEquals(before.getString("updatedAt"), after.getString("updatedAt"));
          JsonObject event = events.stream().filter(e -> e.getString("id").equals(after.getString("id")))
              .findFirst().orElseThrow();
          assertNotNull(UUID.fromString(event.getString("eventId")));
          assertEquals("New Name", event.getString("name"));
          ctx.completeNow();
        })));
  }

  @Test
  void updateToAnotherUsersEmailAnswers409(Vertx vertx, VertxTestContext ctx) {
    String taken = uniqueEmail();
    call(vertx, Action.CREATE, newUser(taken, "Owner"))
        .compose(v -> call(vertx, Action.CREATE, newUser(uniqueEmail(), "Other")))
        .compose(other -> call(vertx, Action.UPDATE, new JsonObject()
            .put("id", other.body().getString("id")).put("email", taken.toUpperCase())))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(409, status(failure));
          assertTrue(error(failure).getJsonObject("fields").containsKey("email"));
          ctx.completeNow();
        })));
  }

  @Test
  void updateWithNothingToChangeAnswers400(Vertx vertx, VertxTestContext ctx) {
    call(vertx, Action.UPDATE, new JsonObject().put("id", UUID.randomUUID().toString()))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(400, status(failure));
          assertTrue(error(failure).getJsonObject("fields").containsKey("name"));
          ctx.completeNow();
        })));
  }

  @Test
  void updateOfAnUnknownUserAnswers404(Vertx vertx, VertxTestContext ctx) {
    call(vertx, Action.UPDATE, new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "Nobody"))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(404, status(failure));
          ctx.completeNow();
        })));
  }

  @Test
  void invalidUpdateChangesNothing(Vertx vertx, VertxTestContext ctx) {
    call(vertx, Action.CREATE, newUser(uniqueEmail(), "Stays Put"))
        .compose(created -> {
          String id = created.body().getString("id");
          return call(vertx, Action.UPDATE, new JsonObject().put("id", id).put("name", "Changed").put("email", "nope"))
              .transform(result -> {
                ctx.verify(() -> assertEquals(400, status(result.cause())));
                return call(vertx, Action.GET, new JsonObject().put("id", id));
              });
        })
        .onComplete(ctx.succeeding(found -> ctx.verify(() -> {
          assertEquals("Stays Put", found.body().getString("name"));
          ctx.completeNow();
        })));
  }

  @Test
  void deleteRemovesTheUserFreesTheEmailAndPublishesAnEvent(Vertx vertx, VertxTestContext ctx) {
    String email = uniqueEmail();
    List<JsonObject> events = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(UsersContract.Event.DELETED.address(), msg -> events.add(msg.body()));
    call(vertx, Action.CREATE, newUser(email, "Short Lived"))
        .compose(created -> {
          JsonObject id = new JsonObject().put("id", created.body().getString("id"));
          return call(vertx, Action.DELETE, id)
              .compose(deleted -> {
                ctx.verify(() -> {
                  assertEquals(200, status(deleted));
                  assertTrue(deleted.body().getBoolean("deleted"));
                });
                return call(vertx, Action.GET, id.copy()).transform(r -> Future.succeededFuture(status(r.cause())));
              })
              .compose(getStatus -> call(vertx, Action.DELETE, id.copy())
                  .transform(r -> Future.succeededFuture(List.of(getStatus, status(r.cause())))));
        })
        .compose(statuses -> call(vertx, Action.CREATE, newUser(email, "Reuses Email")).map(statuses))
        .compose(statuses -> vertx.timer(200).map(statuses))
        .onComplete(ctx.succeeding(statuses -> ctx.verify(() -> {
          assertEquals(List.of(404, 404), statuses, "get and a second delete after delete");
          assertTrue(events.stream().anyMatch(e -> e.getString("email").equals(email) && e.getString("eventId") != null));
          ctx.completeNow();
        })));
  }

  @Test
  void createPublishesAnEventWithItsOwnId(Vertx vertx, VertxTestContext ctx) {
    String email = uniqueEmail();
    vertx.eventBus().<JsonObject>consumer(UsersContract.Event.CREATED.address(), msg -> {
      if (email.equals(msg.body().getString("email"))) {
        ctx.verify(() -> {
          assertNotNull(UUID.fromString(msg.body().getString("eventId")));
          assertNotEquals(msg.body().getString("eventId"), msg.body().getString("id"));
          assertFalse(msg.body().getString("id").isEmpty());
          ctx.completeNow();
        });
      }
    }).completion().compose(v -> call(vertx, Action.CREATE, newUser(email, "Evented")))
        .onFailure(ctx::failNow);
  }

  @Test
  void anUnknownActionAnswers400(Vertx vertx, VertxTestContext ctx) {
    callNamed(vertx, "explode", new JsonObject()).onComplete(ctx.failing(failure -> ctx.verify(() -> {
      assertEquals(400, status(failure));
      assertNull(error(failure).getJsonObject("fields"));
      ctx.completeNow();
    })));
  }
}
