package dev.mesh.users;

import static dev.mesh.users.UsersBus.call;
import static dev.mesh.users.UsersBus.newUser;
import static dev.mesh.users.UsersBus.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mesh.contracts.UsersContract.Action;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Where users live: the embedded database keeps them across restarts; an external one is used when configured. */
@ExtendWith(VertxExtension.class)
// each test (or its setup) starts an embedded PostgreSQL: on a loaded machine that can pass the
// extension's default 30 s
@Timeout(value = 2, timeUnit = TimeUnit.MINUTES)
class UserStorageTest {

  @Test
  void usersSurviveARestartOnTheEmbeddedDatabase(@TempDir Path dataDir, Vertx vertx, VertxTestContext ctx) {
    DeploymentOptions options = new DeploymentOptions()
        .setConfig(new JsonObject().put("MESH_DATA_DIR", dataDir.toString()));
    String email = uniqueEmail();
    vertx.deployVerticle(new UserVerticle(), options)
        .compose(id -> call(vertx, Action.CREATE, newUser(email, "Durable User"))
            .compose(created -> vertx.undeploy(id).map(created.body())))
        .compose(created -> vertx.deployVerticle(new UserVerticle(), options)
            .compose(id -> call(vertx, Action.GET, new JsonObject().put("id", created.getString("id"))))
            .map(found -> new JsonObject().put("created", created).put("found", found.body())))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          assertEquals(both.getJsonObject("created"), both.getJsonObject("found"));
          ctx.completeNow();
        })));
  }

  @Test
  void usesTheExternalDatabaseGivenByConfiguration(@TempDir Path dataDir, Vertx vertx, VertxTestContext ctx)
      throws Exception {
    EmbeddedPostgres external = EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start();
    String uri = "postgresql://postgres:postgres@127.0.0.1:" + external.getPort() + "/postgres";
    DeploymentOptions options = new DeploymentOptions().setConfig(new JsonObject()
        .put("MESH_DATA_DIR", dataDir.toString())
        .put("USERS_PG_URI", uri));
    String email = uniqueEmail();
    vertx.deployVerticle(new UserVerticle(), options)
        .compose(id -> call(vertx, Action.CREATE, newUser(email, "External User")).compose(r -> vertx.undeploy(id)))
        .compose(v -> vertx.executeBlocking(() -> nameInExternalDatabase(external, email)))
        .eventually(() -> vertx.executeBlocking(() -> {
          external.close();
          return null;
        }))
        .onComplete(ctx.succeeding(name -> ctx.verify(() -> {
          assertEquals("External User", name);
          assertEquals(false, dataDir.resolve("users").toFile().exists(), "no embedded server was started");
          ctx.completeNow();
        })));
  }

  private static String nameInExternalDatabase(EmbeddedPostgres external, String email) throws Exception {
    try (Connection connection = external.getPostgresDatabase().getConnection();
         PreparedStatement query = connection.prepareStatement("SELECT name FROM users WHERE email = ?")) {
      query.setString(1, email);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

}
