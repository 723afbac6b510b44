package dev.mesh.orders;

import dev.mesh.common.Database;
import dev.mesh.common.Endpoint;
import dev.mesh.common.MeshService;
import io.vertx.core.Future;
import java.util.List;

/** The orders service on {@code mesh.orders}. */
public class OrderVerticle extends MeshService {

  private Database database;

  @Override
  protected String name() {
    return "orders";
  }

  @Override
  protected Future<?> prepare() {
    return Database.open(vertx, settings, name()).onSuccess(db -> database = db);
  }

  @Override
  protected List<Endpoint> endpoints() {
    return List.of();
  }

  @Override
  protected Future<?> cleanup() {
    return database == null ? Future.succeededFuture() : database.close();
  }
}
