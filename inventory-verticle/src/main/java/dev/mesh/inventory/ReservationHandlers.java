package dev.mesh.inventory;

import dev.mesh.common.Reply;
import dev.mesh.db.PgErrors;
import dev.mesh.inventory.InventoryEvents.Reason;
import dev.mesh.inventory.Reservation.State;
import dev.mesh.inventory.StockStore.StockChange;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stock actions the order saga calls: reserve, and its two ends, release (compensation) and commit.
 * Every one is idempotent by orderId: a repeat answers what the first call answered and changes nothing.
 */
final class ReservationHandlers {

  private static final Logger log = LoggerFactory.getLogger(ReservationHandlers.class);

  private final StockStore store;
  private final InventoryEvents events;
  private final ReservationMetrics metrics;

  ReservationHandlers(StockStore store, InventoryEvents events, ReservationMetrics metrics) {
    this.store = store;
    this.events = events;
    this.metrics = metrics;
  }

  Future<Reply> reserveStock(JsonObject input) {
    InventoryValidation.Reserve request;
    try {
      request = InventoryValidation.reserve(input);
    } catch (RuntimeException invalid) {
      metrics.refused(invalid);
      throw invalid;
    }
    return store.reserve(request.orderId(), request.items())
        .recover(ReservationHandlers::translated)
        .map(change -> {
          Reservation reservation = change.reservation();
          if (change.repeated()) {
            if (reservation.state() == State.RELEASED || reservation.state() == State.VOID) {
              throw StockErrors.releasedBefore(request.orderId());
            }
            if (!reservation.items().equals(request.items())) {
              throw StockErrors.reservedWithOtherItems(request.orderId());
            }
          } else {
            log.info("order {} reserved {}", request.orderId(), request.items());
          }
          metrics.reserved(change.repeated());
          return announce(change, Reason.RESERVED);
        })
        .onFailure(metrics::refused);
  }

  Future<Reply> releaseStock(JsonObject input) {
    String orderId = InventoryValidation.orderId(input);
    return store.release(orderId)
        .recover(ReservationHandlers::translated)
        .map(change -> {
          Reply reply = announce(change, Reason.RELEASED);
          if (change.reservation().state() == State.VOID) {
            log.info("release of order {} with no reservation: nothing to give back", orderId);
            reply.body().put("message", "no reservation for this order; nothing was released");
          }
          return reply;
        });
  }

  Future<Reply> commitStock(JsonObject input) {
    String orderId = InventoryValidation.orderId(input);
    return store.commit(orderId)
        .recover(ReservationHandlers::translated)
        .map(change -> announce(change, Reason.COMMITTED));
  }

  /** Publishes the committed change (a repeat changed nothing, so it publishes nothing) and answers it. */
  private Reply announce(StockChange change, Reason reason) {
    events.changed(change.changed(), reason, change.reservation().orderId());
    return Reply.ok(change.reservation().toJson());
  }

  private static <T> Future<T> translated(Throwable failure) {
    return Future.failedFuture(PgErrors.translate(failure));
  }
}
