package dev.mesh.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor of the read path: one process, one Vert.x HTTP server, {@code GET /api/users/:id} answered
 * by the same prepared SELECT the user service runs, on the same database. What the mesh adds
 * (gateway, event bus, a second JVM) is measured against this.
 */
final class UsersDirect extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(UsersDirect.class);
  private static final String PREFIX = "/api/users/";
  /** The user service's own SELECT_BY_ID (user-verticle UserSql), so both sides run the same statement. */
  static final String SELECT_BY_ID = "SELECT id, seq, email, name, created_at, updated_at FROM users WHERE id = $1";

  private final int port;
  private final Pool pool;

  private UsersDirect(int port, Pool pool) {
    this.port = port;
    this.pool = pool;
  }

  static void run(Args args) {
    int port = args.getInt("port", 0);
    int instances = args.getInt("instances", 1);
    Vertx vertx = Vertx.vertx();
    // as the user service logs in: its role, its database, the password from the file beside its data
    PgConnectOptions connect = new PgConnectOptions().setHost("127.0.0.1").setPort(args.getInt("pgPort", 5432))
        .setDatabase(args.get("pgDatabase", "users")).setUser(args.get("pgUser", "users"))
        .setPassword(password(args.get("pgPasswordFile", null))).setCachePreparedStatements(true);
    // one pool for the process, of the size the user service uses (MESH_PG_POOL_SIZE)
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(args.getInt("poolSize", 8)))
        .connectingTo(connect).using(vertx).build();
    vertx.deployVerticle(() -> new UsersDirect(port, pool), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> log.info("single-process users server ready on 127.0.0.1:{}", port))
        .onFailure(e -> {
          log.error("single-process users server failed to start", e);
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(request -> {
      String path = request.path();
      if (!path.startsWith(PREFIX)) {
        request.response().setStatusCode(404).end();
        return;
      }
      String id = path.substring(PREFIX.length());
      UUID uuid;
      try {
        uuid = UUID.fromString(id);
      } catch (IllegalArgumentException e) {
        request.response().setStatusCode(400).end();
        return;
      }
      pool.preparedQuery(SELECT_BY_ID).execute(Tuple.of(uuid)).onComplete(rows -> {
        if (rows.failed()) {
          log.warn("query failed: {}", rows.cause().toString());
          request.response().setStatusCode(500).end();
        } else if (rows.result().size() == 0) {
          request.response().setStatusCode(404).putHeader("Content-Type", "application/json")
              .end("{\"status\":404,\"error\":\"not_found\",\"message\":\"user " + id + " not found\"}");
        } else {
          Row row = rows.result().iterator().next();
          request.response().putHeader("Content-Type", "application/json").end(toJson(row).encode());
        }
      });
    }).listen(port, "127.0.0.1");
  }

  /** The password in {@code file} (the user service's, made at its first start); there is no default. */
  private static String password(String file) {
    if (file == null) {
      throw new IllegalArgumentException("pgPasswordFile= is required (MESH_DATA_DIR/users/pg.users.password)");
    }
    try {
      return Files.readString(Path.of(file)).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same answer the user service gives (its User.toJson): seq stays inside. */
  private static JsonObject toJson(Row row) {
    return new JsonObject()
        .put("id", row.getUUID("id").toString())
        .put("email", row.getString("email"))
        .put("name", row.getString("name"))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("updatedAt", row.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
