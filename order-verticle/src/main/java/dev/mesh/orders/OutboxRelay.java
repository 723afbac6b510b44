package dev.mesh.orders;

import dev.mesh.common.observe.TimerTraces;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox to the event bus in seq order and deletes what it published, in one
 * transaction. At least once: a crash between publishing and committing publishes those events again,
 * which receivers drop by {@code eventId}. An advisory lock keeps one relay at a time across instances,
 * so each order's events leave in the order they were written.
 *
 * <p>A pass that publishes is a trace of its own ({@code orders outbox relay}), linked to the traces of
 * the orders whose events it publishes; what receivers do with the events (webhooks too) joins it.
 */
final class OutboxRelay {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int BATCH = 200;

  private final Vertx vertx;
  private final Pool pool;
  private final TimerTraces traces;
  private boolean running;
  private boolean again;

  OutboxRelay(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
    this.traces = new TimerTraces(vertx, "dev.mesh.orders");
  }

  /** Asks for a relay pass now; passes never overlap, a request during one makes another follow it. */
  void wake() {
    vertx.runOnContext(v -> {
      if (running) {
        again = true;
        return;
      }
      running = true;
      again = false;
      traces.detached(this::relayBatch)
          .onFailure(e -> log.warn("outbox relay failed, will retry: {}", e.getMessage()))
          .onComplete(done -> {
            running = false;
            boolean full = done.succeeded() && done.result() == BATCH;
            if (again || full) {
              wake();
            }
          });
    });
  }

  private Future<Integer> relayBatch() {
    return pool.withTransaction(conn -> conn.query(OrderSql.RELAY_LOCK).execute().compose(lock -> {
      if (!lock.iterator().next().getBoolean("locked")) {
        return Future.succeededFuture(0); // another instance is relaying
      }
      return conn.query(OrderSql.RELAY_ASYNC_COMMIT).execute().compose(async -> conn.preparedQuery(OrderSql.NEXT_EVENTS).execute(Tuple.of(BATCH)).compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(0);
        }
        List<String> orderTraces = new ArrayList<>();
        rows.forEach(row -> orderTraces.add(row.getString("traceparent")));
        Span span = traces.start("orders outbox relay", orderTraces);
        Long[] published = new Long[rows.size()];
        int i = 0;
        for (Row row : rows) {
          Object payload = row.getValue("payload");
          vertx.eventBus().publish(row.getString("address"),
              payload instanceof JsonObject json ? json : new JsonObject(String.valueOf(payload)));
          published[i++] = row.getLong("seq");
        }
        return conn.preparedQuery(OrderSql.DELETE_EVENTS).execute(Tuple.of((Object) published))
            .map(published.length)
            .onComplete(done -> span.end());
      }));
    }));
  }
}
