package dev.mesh.orders;

import static dev.mesh.contracts.OrdersContract.Status.CANCELLED;
import static dev.mesh.contracts.OrdersContract.Status.CONFIRMED;
import static dev.mesh.contracts.OrdersContract.Status.PENDING;
import static dev.mesh.orders.OrderStates.Stock.COMMITTING;
import static dev.mesh.orders.OrderStates.Stock.RESERVED;

/**
 * Every SQL statement of the order service.
 *
 * <p>How several instances share one database without fighting: an order is changed by the saga only
 * through the statements guarded by {@code claim = $2}, the token of its one current driver. A driver
 * gets its claim by creating the order, by a customer's cancel (which takes the order over), or from
 * {@link #CLAIM_DUE}, which takes only orders whose {@code next_attempt_at} has passed (a retry that is
 * due, or the lease of a driver that died) and locks them with {@code FOR UPDATE SKIP LOCKED}, so two
 * sweeps never take the same order. A driver whose claim was taken over writes nothing.
 */
final class OrderSql {

  private OrderSql() {
  }

  static final String COLUMNS = "id, seq, user_id, items, status, reason, stock_state, step, waiting_for, attempts,"
      + " claim, request_hash, created_at, updated_at, confirmed_at, traceparent";

  /** {@code now()} plus the milliseconds in parameter {@code $n}. */
  private static String inMs(int n) {
    return "now() + make_interval(secs => $" + n + "::float8 / 1000)";
  }

  private static String quoted(Enum<?> state) {
    return "'" + state.name() + "'";
  }

  /**
   * Born PENDING owing what the saga's steps may hold (ASKED: the saga may reserve any moment after this
   * commits; recording it here spares a commit of its own per order), claimed by its creator ($6) for a
   * lease of $7 ms; $8 is the trace of the request that made it (null when not exported).
   */
  static final String INSERT_ORDER = "INSERT INTO orders (id, user_id, items, status, idempotency_key, request_hash,"
      + " stock_state, claim, next_attempt_at, traceparent) VALUES ($1, $2, $3, " + quoted(PENDING) + ", $4, $5, "
      + quoted(SagaStep.OWED_FROM_BIRTH) + ", $6, " + inMs(7) + ", $8) ON CONFLICT (idempotency_key) DO NOTHING RETURNING " + COLUMNS;

  static final String FIND_BY_KEY = "SELECT " + COLUMNS + " FROM orders WHERE idempotency_key = $1";

  static final String FIND = "SELECT " + COLUMNS + " FROM orders WHERE id = $1";

  static final String LIST = "SELECT " + COLUMNS + " FROM orders WHERE seq > $1 ORDER BY seq LIMIT $2";

  static final String LIST_BY_USER = "SELECT " + COLUMNS + " FROM orders WHERE user_id = $1 AND seq > $2"
      + " ORDER BY seq LIMIT $3";

  /**
   * Claims up to $3 orders that are due, for token $1 and a lease of $2 ms. Orders waiting for a service
   * whose breaker is open here ($4) are left alone, unless a PENDING one has reached its give-up time
   * ($5 ms after creation). A confirmed order whose window passed is claimed for its commit: from then
   * on it can no longer be cancelled.
   */
  static final String CLAIM_DUE = "UPDATE orders SET claim = $1, next_attempt_at = " + inMs(2) + ","
      + " stock_state = CASE WHEN status = " + quoted(CONFIRMED) + " AND stock_state = " + quoted(RESERVED)
      + "   THEN " + quoted(COMMITTING) + " ELSE stock_state END"
      + " WHERE id IN (SELECT id FROM orders WHERE next_attempt_at <= now()"
      + "   AND (waiting_for IS NULL OR NOT (waiting_for = ANY($4))"
      + "     OR (status = " + quoted(PENDING) + " AND created_at <= now() - make_interval(secs => $5::float8 / 1000)))"
      + "   ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)"
      + " RETURNING " + COLUMNS;

  /** PENDING to CONFIRMED with stock $3; claim $4 and next attempt in $5 ms (the window, or the commit's lease). */
  static final String CONFIRM = "UPDATE orders SET status = " + quoted(CONFIRMED) + ", stock_state = $3, claim = $4,"
      + " next_attempt_at = " + inMs(5) + ", waiting_for = NULL, attempts = 0, confirmed_at = now(), updated_at = now()"
      + " WHERE id = $1 AND claim = $2 AND status = " + quoted(PENDING) + " RETURNING " + COLUMNS;

  /**
   * Ends a PENDING order as $3 with reason $4; its stock (ASKED) is released next, under the same claim,
   * within a lease of $5 ms.
   */
  static final String END = "UPDATE orders SET status = $3, reason = $4, waiting_for = NULL, attempts = 0,"
      + " next_attempt_at = " + inMs(5) + ", updated_at = now()"
      + " WHERE id = $1 AND claim = $2 AND status = " + quoted(PENDING) + " RETURNING " + COLUMNS;

  /**
   * A PENDING order waits for service $4 at step $3 (attempts count the failures of that step): it lets
   * go of its claim and is due again in $5 ms,
   * but never later than its give-up time ($6 ms after creation). No row back when that time has
   * passed (the order must end) or the claim was lost.
   */
  static final String WAIT = "UPDATE orders SET step = $3, waiting_for = $4,"
      + " attempts = CASE WHEN step = $3 THEN attempts + 1 ELSE 1 END, claim = NULL,"
      + " next_attempt_at = LEAST(" + inMs(5) + ", created_at + make_interval(secs => $6::float8 / 1000))"
      + " WHERE id = $1 AND claim = $2 AND status = " + quoted(PENDING)
      + " AND created_at > now() - make_interval(secs => $6::float8 / 1000) RETURNING " + COLUMNS;

  /** A compensation or commit that service $4 could not take now: due again in $3 ms. */
  static final String STOCK_LATER = "UPDATE orders SET waiting_for = $4, attempts = attempts + 1, claim = NULL,"
      + " next_attempt_at = " + inMs(3) + " WHERE id = $1 AND claim = $2 RETURNING " + COLUMNS;

  /** Stock settled ($3 to $4): the saga owes this order nothing more. */
  static final String SETTLE_STOCK = "UPDATE orders SET stock_state = $4, claim = NULL, next_attempt_at = NULL,"
      + " waiting_for = NULL, attempts = 0, updated_at = now()"
      + " WHERE id = $1 AND claim = $2 AND stock_state = ANY($3) RETURNING " + COLUMNS;

  /**
   * A customer's cancel, which takes the order over (new claim $2, lease $4 ms) from whoever drives it:
   * a PENDING order at any time, a CONFIRMED one while its stock is reserved and its window ($5 ms)
   * lasts. Its stock is released next.
   */
  static final String CANCEL = "UPDATE orders SET status = " + quoted(CANCELLED) + ", reason = $3, claim = $2,"
      + " next_attempt_at = " + inMs(4) + ", waiting_for = NULL, attempts = 0, updated_at = now()"
      + " WHERE id = $1 AND (status = " + quoted(PENDING) + " OR (status = " + quoted(CONFIRMED)
      + "   AND stock_state = " + quoted(RESERVED) + " AND confirmed_at > now() - make_interval(secs => $5::float8 / 1000)))"
      + " RETURNING " + COLUMNS;

  /** An event, with the trace of the order it announces ($4), for the relay's span to link to. */
  static final String INSERT_EVENT = "INSERT INTO outbox (event_id, address, payload, traceparent)"
      + " VALUES ($1, $2, $3, $4)";

  /** One relay at a time across all order instances, so events leave in seq order. */
  static final String RELAY_LOCK = "SELECT pg_try_advisory_xact_lock(4711) AS locked";

  /**
   * The relay's commit need not wait for the disk: if a crash loses its delete, the events go out again
   * and receivers drop them by eventId. Only the state changes and their events are written durably.
   */
  static final String RELAY_ASYNC_COMMIT = "SET LOCAL synchronous_commit = off";

  static final String NEXT_EVENTS = "SELECT seq, event_id, address, payload, traceparent FROM outbox ORDER BY seq LIMIT $1";

  /**
   * Deletes exactly the events published, by seq. Not "up to the last seq": an event with a lower seq
   * whose transaction committed after the read would be deleted unpublished.
   */
  static final String DELETE_EVENTS = "DELETE FROM outbox WHERE seq = ANY($1)";
}
