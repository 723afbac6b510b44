package dev.mesh.inventory;

import static dev.mesh.inventory.InventoryBus.assertCounts;
import static dev.mesh.inventory.InventoryBus.call;
import static dev.mesh.inventory.InventoryBus.createProduct;
import static dev.mesh.inventory.InventoryBus.getProduct;
import static dev.mesh.inventory.InventoryBus.reserve;
import static dev.mesh.inventory.InventoryBus.uniqueOrder;
import static dev.mesh.inventory.InventoryBus.uniqueSku;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mesh.contracts.InventoryContract.Action;
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

/** Stock and reservations survive a restart on the embedded database; an external database is used when configured. */
@ExtendWith(VertxExtension.class)
// each test (or its setup) starts an embedded PostgreSQL: on a loaded machine that can pass the
// extension's default 30 s
@Timeout(value = 2, timeUnit = TimeUnit.MINUTES)
class InventoryStorageTest {

  @Test
  void stockAndReservationsSurviveARestart(@TempDir Path dataDir, Vertx vertx, VertxTestContext ctx) {
    String sku = uniqueSku();
    String orderId = uniqueOrder();
    JsonObject request = reserve(orderId, sku, 2);
    InventoryBus.deploy(vertx, dataDir)
        .compose(id -> createProduct(vertx, sku, 5)
            .compose(v -> call(vertx, Action.RESERVE, request))
            .compose(v -> vertx.undeploy(id)))
        .compose(v -> InventoryBus.deploy(vertx, dataDir))
        // the reservation is remembered: a repeat after the restart changes nothing
        .compose(id -> call(vertx, Action.RESERVE, request))
        .compose(repeat -> getProduct(vertx, sku).map(product -> {
          ctx.verify(() -> assertEquals("RESERVED", repeat.body().getString("status")));
          return product;
        }))
        .onComplete(ctx.succeeding(product -> ctx.verify(() -> {
          assertCounts(product, 3, 2, 0);
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
        .put("INVENTORY_PG_URI", uri));
    String sku = uniqueSku();
    vertx.deployVerticle(new InventoryVerticle(), options)
        .compose(id -> createProduct(vertx, sku, 9).compose(r -> vertx.undeploy(id)))
        .compose(v -> vertx.executeBlocking(() -> availableInExternalDatabase(external, sku)))
        .eventually(() -> vertx.executeBlocking(() -> {
          external.close();
          return null;
        }))
        .onComplete(ctx.succeeding(available -> ctx.verify(() -> {
          assertEquals(9L, available);
          assertFalse(dataDir.resolve("inventory").toFile().exists(), "no embedded server was started");
          ctx.completeNow();
        })));
  }

  private static Long availableInExternalDatabase(EmbeddedPostgres external, String sku) throws Exception {
    try (Connection connection = external.getPostgresDatabase().getConnection();
         PreparedStatement query = connection.prepareStatement("SELECT available FROM products WHERE sku = ?")) {
      query.setString(1, sku);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getLong(1) : null;
      }
    }
  }
}
