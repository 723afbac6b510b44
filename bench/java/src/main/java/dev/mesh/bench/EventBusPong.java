package dev.mesh.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The answering side of the event-bus benchmark: a clustered node that replies to every request. */
final class EventBusPong {

  static final String ADDRESS = "bench.ping";

  private static final Logger log = LoggerFactory.getLogger(EventBusPong.class);

  private EventBusPong() {
  }

  static void run(Args args) {
    try {
      Vertx vertx = ConstantService.await(Clustered.join(args.required("cluster"), args.getInt("clusterPort", 5701)));
      // the reply is built like a service's answer: a JSON object back for a JSON object in
      ConstantService.await(vertx.eventBus().<JsonObject>consumer(ADDRESS,
          message -> message.reply(new JsonObject().put("seq", message.body().getLong("seq")).put("ok", true)))
          .completion());
      log.info("pong ready on {}", ADDRESS);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close()));
    } catch (Exception e) {
      log.error("pong failed to start", e);
      System.exit(1);
    }
  }
}
