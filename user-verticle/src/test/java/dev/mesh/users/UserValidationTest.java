package dev.mesh.users;

import static dev.mesh.users.UsersBus.call;
import static dev.mesh.users.UsersBus.error;
import static dev.mesh.users.UsersBus.newUser;
import static dev.mesh.users.UsersBus.status;
import static dev.mesh.users.UsersBus.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Bus;
import dev.mesh.contracts.UsersContract.Action;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input of every kind gets a 400 naming the field, and writes nothing: after each refused create,
 * the same (valid) email can still be registered.
 */
@ExtendWith(VertxExtension.class)
// each test (or its setup) starts an embedded PostgreSQL: on a loaded machine that can pass the
// extension's default 30 s
@Timeout(value = 2, timeUnit = TimeUnit.MINUTES)
class UserValidationTest {

  private static final String EMAIL = "\u0000email-placeholder";

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void deploy(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = new JsonObject().put("MESH_DATA_DIR", dataDir.toString());
    vertx.deployVerticle(new UserVerticle(), new DeploymentOptions().setConfig(config))
        .onComplete(ctx.succeedingThenComplete());
  }

  static Stream<Arguments> badCreates() {
    return Stream.of(
        Arguments.of("empty body", new JsonObject(), Set.of("email", "name")),
        Arguments.of("no name", new JsonObject().put("email", EMAIL), Set.of("name")),
        Arguments.of("null name", new JsonObject().put("email", EMAIL).putNull("name"), Set.of("name")),
        Arguments.of("name not a string", new JsonObject().put("email", EMAIL).put("name", 42), Set.of("name")),
        Arguments.of("name an object", newUser(EMAIL, null).put("name", new JsonObject()), Set.of("name")),
        Arguments.of("email not a string", newUser(null, "Ada").put("email", new JsonArray()), Set.of("email")),
        Arguments.of("email without at", newUser("ada.example.com", "Ada"), Set.of("email")),
        Arguments.of("email without domain dot", newUser("ada@localhost", "Ada"), Set.of("email")),
        Arguments.of("email two ats", newUser("a@b@example.com", "Ada"), Set.of("email")),
        Arguments.of("email with spaces", newUser("ada lovelace@example.com", "Ada"), Set.of("email")),
        Arguments.of("email with SQL", newUser("x@example.com'; DROP TABLE users;--", "Ada"), Set.of("email")),
        Arguments.of("email unicode homoglyph", newUser("\u0430da@example.com", "Ada"), Set.of("email")),
        Arguments.of("email too long", newUser("a".repeat(250) + "@example.com", "Ada"), Set.of("email")),
        Arguments.of("email local part too long", newUser("a".repeat(65) + "@example.com", "Ada"), Set.of("email")),
        Arguments.of("name too short", newUser(EMAIL, "A"), Set.of("name")),
        Arguments.of("name blank after trimming", newUser(EMAIL, "   \t  "), Set.of("name")),
        Arguments.of("name one char after trimming", newUser(EMAIL, "  x  "), Set.of("name")),
        Arguments.of("name too long", newUser(EMAIL, "n".repeat(101)), Set.of("name")),
        Arguments.of("name huge", newUser(EMAIL, "n".repeat(1_000_000)), Set.of("name")),
        Arguments.of("name with NUL", newUser(EMAIL, "Ada\u0000Lovelace"), Set.of("name")),
        Arguments.of("name with lone surrogate", newUser(EMAIL, "Ada \uD800"), Set.of("name")),
        Arguments.of("name with bidi override", newUser(EMAIL, "Ada \u202Eecalevol"), Set.of("name")),
        Arguments.of("name with escape", newUser(EMAIL, "Ada \u001B[31m"), Set.of("name")),
        Arguments.of("name with inner newline", newUser(EMAIL, "Ada\nLovelace"), Set.of("name")),
        Arguments.of("name with zero-width no-break space", newUser(EMAIL, "Ada\uFEFF"), Set.of("name")),
        Arguments.of("unknown field", newUser(EMAIL, "Ada").put("role", "admin"), Set.of("role")),
        Arguments.of("client-made id", newUser(EMAIL, "Ada").put("id", "3f2b8c1e-7d4a-4e9b-9c1f-0a2b3c4d5e6f"),
            Set.of("id")),
        Arguments.of("everything wrong", new JsonObject().put("email", 1).put("name", true).put("x", 1),
            Set.of("email", "name", "x")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCreates")
  void badCreateAnswers400NamingTheFieldsAndWritesNothing(String why, JsonObject body, Set<String> fields,
      Vertx vertx, VertxTestContext ctx) {
    String email = uniqueEmail();
    JsonObject request = body.copy();
    if (EMAIL.equals(request.getValue("email"))) {
      request.put("email", email);
    }
    call(vertx, Action.CREATE, request)
        .transform(result -> {
          ctx.verify(() -> {
            assertTrue(result.failed(), why + " must fail");
            assertEquals(400, status(result.cause()));
            JsonObject error = error(result.cause());
            assertEquals("invalid", error.getString("error"));
            assertEquals(fields, error.getJsonObject("fields").fieldNames(), error.encode());
          });
          return call(vertx, Action.CREATE, newUser(email, "Valid Name"));
        })
        .onComplete(ctx.succeeding(created -> ctx.verify(() -> {
          assertEquals(201, status(created), "the refused request wrote nothing");
          ctx.completeNow();
        })));
  }

  static Stream<Arguments> badLists() {
    return Stream.of(
        Arguments.of(new JsonObject().put("limit", "0"), "limit"),
        Arguments.of(new JsonObject().put("limit", "101"), "limit"),
        Arguments.of(new JsonObject().put("limit", "-1"), "limit"),
        Arguments.of(new JsonObject().put("limit", "ten"), "limit"),
        Arguments.of(new JsonObject().put("limit", "1e3"), "limit"),
        Arguments.of(new JsonObject().put("limit", "99999999999999999999"), "limit"),
        Arguments.of(new JsonObject().put("limit", 2.5), "limit"),
        Arguments.of(new JsonObject().put("after", "not a cursor"), "after"),
        Arguments.of(new JsonObject().put("after", "dTE6LTE"), "after"),
        Arguments.of(new JsonObject().put("after", 12), "after"),
        Arguments.of(new JsonObject().put("sort", "email"), "sort"));
  }

  @ParameterizedTest
  @MethodSource("badLists")
  void badListAnswers400(JsonObject query, String field, Vertx vertx, VertxTestContext ctx) {
    call(vertx, Action.LIST, query).onComplete(ctx.failing(failure -> ctx.verify(() -> {
      assertEquals(400, status(failure));
      assertEquals(Set.of(field), error(failure).getJsonObject("fields").fieldNames());
      ctx.completeNow();
    })));
  }

  @Test
  void aNonObjectBodyAnswers400(Vertx vertx, VertxTestContext ctx) {
    Bus.client(vertx).call(Action.CREATE).as(Bus.OPERATOR).request("not json")
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(400, status(failure));
          ctx.completeNow();
        })));
  }

  @Test
  void nameIsTrimmedAndNormalized(Vertx vertx, VertxTestContext ctx) {
    call(vertx, Action.CREATE, newUser(uniqueEmail(), "  Zoe\u0308 \u00c5str\u00f6m\t"))
        .onComplete(ctx.succeeding(created -> ctx.verify(() -> {
          assertEquals("Zo\u00eb \u00c5str\u00f6m", created.body().getString("name"));
          ctx.completeNow();
        })));
  }

  @Test
  void emojiAndNonLatinNamesAreWelcome(Vertx vertx, VertxTestContext ctx) {
    String name = "\u674e\u5c0f\u9f8d \uD83D\uDC69\u200D\uD83D\uDCBB";
    call(vertx, Action.CREATE, newUser(uniqueEmail(), name)).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(name, reply.body().getString("name"));
      ctx.completeNow();
    })));
  }
}
