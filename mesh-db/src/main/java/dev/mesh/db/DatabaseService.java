package dev.mesh.db;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshNode;
import dev.mesh.common.MeshService;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * A mesh service that owns a database: it opens it ({@link #openDatabase()}) before it serves, counts as
 * healthy only while the database answers (otherwise it withdraws until it does, see {@link MeshService}),
 * reads lost connections and refused changes as the error model's 503 and 409, and closes it on stop.
 */
public abstract class DatabaseService extends MeshService {

  private Database database;

  /**
   * The {@code main} of a service with a database: its database starts while the node joins the cluster
   * ({@link Database#startEarly}), then {@link MeshNode#run} deploys it.
   */
  public static void run(String service, Supplier<? extends DatabaseService> verticle) {
    Database.startEarly(MeshConfig.fromEnvironment(), service);
    MeshNode.run(service, verticle);
  }

  /** Opens this service's database; call it from {@link #prepare()}. */
  protected Future<Database> openDatabase() {
    return Database.open(vertx, settings, name()).onSuccess(db -> database = db);
  }

  @Override
  protected Future<?> checkHealth() {
    return database == null ? Future.succeededFuture() : database.check();
  }

  @Override
  protected Throwable explain(Throwable failure) {
    return PgErrors.translate(failure);
  }

  @Override
  protected Future<?> cleanup() {
    return database == null ? Future.succeededFuture() : database.close();
  }
}
