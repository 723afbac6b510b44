package dev.mesh.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's own PostgreSQL database, migrated and pooled. With {@code <SERVICE>_PG_URI} set it uses
 * that server; otherwise it starts an embedded real PostgreSQL whose data lives under
 * {@code MESH_DATA_DIR/<service>/pg}, so a restart keeps it. Migrations come from
 * {@code classpath:db/<service>} (Flyway).
 */
public final class Database {

  public static final String DATA_DIR = "MESH_DATA_DIR";
  public static final String POOL_SIZE = "MESH_PG_POOL_SIZE";

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final Vertx vertx;
  private final Pool pool;
  private final EmbeddedPostgres embedded;

  private Database(Vertx vertx, Pool pool, EmbeddedPostgres embedded) {
    this.vertx = vertx;
    this.pool = pool;
    this.embedded = embedded;
  }

  public static String uriSetting(String service) {
    return service.toUpperCase(Locale.ROOT) + "_PG_URI";
  }

  public static Future<Database> open(Vertx vertx, MeshConfig settings, String service) {
    String uri = settings.get(uriSetting(service), null);
    int poolSize = settings.getInt(POOL_SIZE, 8);
    return vertx.executeBlocking(() -> {
      EmbeddedPostgres embedded = null;
      PgConnectOptions connect;
      if (uri != null) {
        connect = PgConnectOptions.fromUri(uri);
      } else {
        Path dir = Path.of(settings.get(DATA_DIR, "var/data"), service, "pg").toAbsolutePath();
        embedded = EmbeddedPostgresServer.start(dir);
        connect = new PgConnectOptions().setHost("127.0.0.1").setPort(embedded.getPort())
            .setDatabase("postgres").setUser("postgres").setPassword("postgres");
      }
      migrate(service, connect);
      return new Object[] {connect, embedded};
    }).map(started -> {
      PgConnectOptions connect = (PgConnectOptions) started[0];
      Pool pool = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(poolSize))
          .connectingTo(connect.setCachePreparedStatements(true))
          .using(vertx)
          .build();
      log.info("{} database ready at {}:{}/{}", service, connect.getHost(), connect.getPort(), connect.getDatabase());
      return new Database(vertx, pool, (EmbeddedPostgres) started[1]);
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

  public Future<Void> close() {
    return pool.close().eventually(() -> embedded == null ? Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          embedded.close();
          return null;
        }));
  }

  /** Starting the embedded server, including after a crash of the JVM that started it before. */
  static final class EmbeddedPostgresServer {

    private EmbeddedPostgresServer() {
    }

    static EmbeddedPostgres start(Path dir) throws IOException {
      Files.createDirectories(dir.getParent());
      stopOrphan(dir);
      return EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(false)
          .setServerConfig("listen_addresses", "127.0.0.1")
          // zonky's test defaults trade durability for speed; an acknowledged write must survive a crash
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setPGStartupWait(java.time.Duration.ofSeconds(60))
          .start();
    }

    /**
     * A JVM killed with -9 leaves its PostgreSQL running on our data directory. That server was started
     * by this service, so we stop it (fast shutdown, by the pid in its own pid file) before starting anew.
     */
    private static void stopOrphan(Path dir) throws IOException {
      Path pidFile = dir.resolve("postmaster.pid");
      if (!Files.exists(pidFile)) {
        return;
      }
      long pid;
      try {
        pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      } catch (RuntimeException unreadable) {
        return;
      }
      ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
          .ifPresent(p -> {
            log.warn("stopping PostgreSQL pid {} left running on {} by a previous crash", pid, dir);
            try {
              new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
              p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException("could not stop orphan PostgreSQL " + pid, e);
            }
          });
    }
  }
}
