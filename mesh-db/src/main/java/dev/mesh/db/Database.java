package dev.mesh.db;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Path;
import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's own PostgreSQL database, migrated and pooled. With {@code <SERVICE>_PG_URI} set it uses
 * that server; otherwise the embedded real PostgreSQL whose data lives under
 * {@code MESH_DATA_DIR/<service>/pg}, shared by every instance of the service ({@link EmbeddedServer}):
 * started by the first, adopted by the others, stopped by the last. Migrations come from
 * {@code classpath:db/<service>} (Flyway; concurrent instances serialise on its lock).
 */
public final class Database {

  public static final String DATA_DIR = "MESH_DATA_DIR";
  public static final String POOL_SIZE = "MESH_PG_POOL_SIZE";
  /** The address the embedded server listens on (besides loopback) and instances connect to. */
  public static final String HOST = "MESH_PG_HOST";
  /** Networks (pg_hba address) admitted to an embedded server on a non-loopback MESH_PG_HOST. */
  public static final String ALLOW = "MESH_PG_ALLOW";
  /** The postgres role's password for those connections; unset: made at first start (pg.password). */
  public static final String PASSWORD = "MESH_PG_PASSWORD";
  /** How long a health check may take before the database counts as unreachable. */
  public static final String CHECK_TIMEOUT_MS = "MESH_PG_CHECK_TIMEOUT_MS";

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final Vertx vertx;
  private final String service;
  private final Pool pool;
  private final EmbeddedServer embedded;
  private final long checkTimeoutMs;
  private boolean healing;

  private Database(Vertx vertx, String service, Pool pool, EmbeddedServer embedded, long checkTimeoutMs) {
    this.vertx = vertx;
    this.service = service;
    this.pool = pool;
    this.embedded = embedded;
    this.checkTimeoutMs = checkTimeoutMs;
  }

  public static String uriSetting(String service) {
    return service.toUpperCase(Locale.ROOT) + "_PG_URI";
  }

  public static Future<Database> open(Vertx vertx, MeshConfig settings, String service) {
    String uri = settings.get(uriSetting(service), null);
    int poolSize = settings.getInt(POOL_SIZE, 8);
    String host = settings.get(HOST, "127.0.0.1");
    return vertx.executeBlocking(() -> {
      EmbeddedServer embedded = null;
      PgConnectOptions connect;
      if (uri != null) {
        connect = PgConnectOptions.fromUri(uri);
      } else {
        Path dir = Path.of(settings.get(DATA_DIR, "var/data"), service, "pg").toAbsolutePath();
        embedded = EmbeddedServer.join(dir, host, settings.get(ALLOW, "samenet"), settings.get(PASSWORD, null));
        boolean everywhere = host.equals("*") || host.equals("0.0.0.0");
        connect = new PgConnectOptions().setHost(everywhere ? "127.0.0.1" : host).setPort(embedded.port())
            .setDatabase("postgres").setUser("postgres").setPassword(embedded.password());
      }
      try {
        migrate(service, connect);
      } catch (RuntimeException e) {
        if (embedded != null) {
          embedded.leave();
        }
        throw e;
      }
      return new Object[] {connect, embedded};
    }).map(started -> {
      PgConnectOptions connect = (PgConnectOptions) started[0];
      Pool pool = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(poolSize))
          .connectingTo(connect.setCachePreparedStatements(true))
          .using(vertx)
          .build();
      log.info("{} database ready at {}:{}/{}", service, connect.getHost(), connect.getPort(), connect.getDatabase());
      return new Database(vertx, service, pool, (EmbeddedServer) started[1], settings.getInt(CHECK_TIMEOUT_MS, 2000));
    });
  }

  private static void migrate(String service, PgConnectOptions connect) {
    String jdbc = "jdbc:postgresql://" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
    Flyway.configure()
        .dataSource(jdbc, connect.getUser(), connect.getPassword())
        .locations("classpath:db/" + service)
        .load()
        .migrate();
  }

  public Pool pool() {
    return pool;
  }

  /**
   * Succeeds when the database answers a query within {@code MESH_PG_CHECK_TIMEOUT_MS}. When it does not
   * and the server is the embedded one, its restart is set going (by whichever instance gets to it first).
   */
  public Future<Void> check() {
    Promise<Void> answer = Promise.promise();
    long timer = vertx.setTimer(checkTimeoutMs, id -> answer.tryFail(
        MeshError.unavailable("the " + service + " database did not answer within " + checkTimeoutMs + " ms")));
    pool.query("SELECT 1").execute().onComplete(result -> {
      vertx.cancelTimer(timer);
      if (result.succeeded()) {
        answer.tryComplete();
      } else {
        answer.tryFail(PgErrors.translate(result.cause()));
      }
    });
    return answer.future().onFailure(down -> heal());
  }

  private void heal() {
    if (embedded == null || healing) {
      return;
    }
    healing = true;
    vertx.executeBlocking(embedded::ensureRunning, false)
        .onFailure(e -> log.warn("{} database: could not start it again yet: {}", service, e.getMessage()))
        .onComplete(done -> healing = false);
  }

  public Future<Void> close() {
    return pool.close().eventually(() -> embedded == null ? Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          embedded.leave();
          return null;
        }));
  }
}
