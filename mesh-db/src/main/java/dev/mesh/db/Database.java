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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's own PostgreSQL database, migrated and pooled. With {@code <SERVICE>_PG_URI} set it uses
 * that server; otherwise the embedded real PostgreSQL whose data lives under
 * {@code MESH_DATA_DIR/<service>/pg}, shared by every instance of the service ({@link EmbeddedServer}):
 * started by the first, adopted by the others, stopped by the last; there the service logs in as its
 * own role to its own database ({@link EmbeddedLogin}). Migrations come from
 * {@code classpath:db/<service>} (Flyway; concurrent instances serialise on its lock).
 */
public final class Database {

  public static final String DATA_DIR = MeshConfig.DATA_DIR;
  public static final String POOL_SIZE = "MESH_PG_POOL_SIZE";
  /** The address the embedded server listens on (besides loopback) and instances connect to. */
  public static final String HOST = "MESH_PG_HOST";
  /** Networks (pg_hba address) admitted to an embedded server on a non-loopback MESH_PG_HOST. */
  public static final String ALLOW = "MESH_PG_ALLOW";
  /** The embedded server's superuser's password, for its management only; unset: made at first start. */
  public static final String PASSWORD = "MESH_PG_PASSWORD";
  /** The password of the service's own role on the embedded server; unset: made at first start. */
  public static final String SERVICE_PASSWORD = "MESH_PG_SERVICE_PASSWORD";
  /** How long a health check may take before the database counts as unreachable. */
  public static final String CHECK_TIMEOUT_MS = "MESH_PG_CHECK_TIMEOUT_MS";

  private static final Logger log = LoggerFactory.getLogger(Database.class);
  // databases a service's main set starting before its node joined (startEarly), until open takes them
  private static final Map<Target, CompletableFuture<Prepared>> EARLY = new ConcurrentHashMap<>();

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

  /**
   * Starts (or adopts) the server and runs the migrations on a thread of its own, for a service's main
   * to call before its node joins the cluster: joining is mostly waiting, and this is most of the rest of
   * a service's start, so a restarted instance is routed again sooner (bench/FINDINGS.md, start-up).
   * {@link #open} with the same settings then takes what it did, or its failure.
   */
  public static void startEarly(MeshConfig settings, String service) {
    Target target = Target.of(settings, service);
    EARLY.computeIfAbsent(target, t -> CompletableFuture.supplyAsync(() -> {
      try {
        return prepare(t, service);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, work -> {
      Thread early = new Thread(work, "mesh-db-early-" + service);
      early.setDaemon(true);
      early.start();
    }));
  }

  public static Future<Database> open(Vertx vertx, MeshConfig settings, String service) {
    Target target = Target.of(settings, service);
    int poolSize = settings.getInt(POOL_SIZE, 8);
    CompletableFuture<Prepared> early = EARLY.remove(target);
    return vertx.executeBlocking(() -> early != null ? awaitEarly(early) : prepare(target, service)).map(prepared -> {
      PgConnectOptions connect = prepared.connect();
      Pool pool = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(poolSize))
          .connectingTo(connect.setCachePreparedStatements(true))
          .using(vertx)
          .build();
      log.info("{} database ready at {}:{}/{}", service, connect.getHost(), connect.getPort(), connect.getDatabase());
      return new Database(vertx, service, pool, prepared.embedded(), settings.getInt(CHECK_TIMEOUT_MS, 2000));
    });
  }

  /** Where a service's database is: a server named by URI, or the embedded one on a data directory. */
  private record Target(String uri, Path dir, EmbeddedServer.Access access) {

    static Target of(MeshConfig settings, String service) {
      String uri = settings.get(uriSetting(service), null);
      Path dir = uri != null ? null : settings.dataDir().resolve(service).resolve("pg");
      return new Target(uri, dir, new EmbeddedServer.Access(settings.get(HOST, "127.0.0.1"),
          settings.get(ALLOW, "samenet"), settings.get(PASSWORD, null), settings.get(SERVICE_PASSWORD, null)));
    }
  }

  /** A started (or adopted) and migrated database; {@code embedded} is null for a server named by URI. */
  private record Prepared(PgConnectOptions connect, EmbeddedServer embedded) {
  }

  private static Prepared prepare(Target target, String service) throws IOException {
    if (target.uri() != null) {
      PgConnectOptions connect = PgConnectOptions.fromUri(target.uri());
      migrate(service, connect);
      return new Prepared(connect, null);
    }
    // the service's own role, never the superuser: its migrations and its pool reach its database only
    EmbeddedServer embedded = EmbeddedServer.join(target.dir(), service, target.access());
    EmbeddedLogin login = embedded.login();
    PgConnectOptions connect = new PgConnectOptions().setHost(embedded.connectHost()).setPort(embedded.port())
        .setDatabase(login.database()).setUser(login.user()).setPassword(login.password());
    try {
      migrate(service, connect);
    } catch (RuntimeException e) {
      embedded.leave();
      throw e;
    }
    return new Prepared(connect, embedded);
  }

  private static Prepared awaitEarly(CompletableFuture<Prepared> early) throws Exception {
    try {
      return early.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
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
