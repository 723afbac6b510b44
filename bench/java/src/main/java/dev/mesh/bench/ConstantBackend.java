package dev.mesh.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP backend of the proxy benchmark: answers every request with the same small JSON document,
 * so what is measured in front of it is the proxy, not the backend.
 */
public final class ConstantBackend extends VerticleBase {

  /** About the size of a user record, so the proxies copy a realistic body. */
  static final String BODY =
      "{\"id\":\"00000000-0000-0000-0000-000000000042\",\"name\":\"constant\",\"email\":\"constant@example.org\",\"ok\":true}";

  private static final Logger log = LoggerFactory.getLogger(ConstantBackend.class);
  private static final Buffer BODY_BUFFER = Buffer.buffer(BODY);

  private final int port;

  private ConstantBackend(int port) {
    this.port = port;
  }

  static void run(Args args) {
    int port = args.getInt("port", 0);
    int instances = args.getInt("instances", 1);
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new ConstantBackend(port), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> log.info("constant backend ready on 127.0.0.1:{} ({} event loop(s))", port, instances))
        .onFailure(e -> {
          log.error("constant backend failed to start", e);
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer()
        .requestHandler(request -> request.response()
            .putHeader("Content-Type", "application/json")
            .end(BODY_BUFFER))
        .listen(port, "127.0.0.1");
  }
}
