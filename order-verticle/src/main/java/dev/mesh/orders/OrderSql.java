package dev.mesh.orders;

/** Every SQL statement of the order service. */
final class OrderSql {

  private OrderSql() {
  }

  static final String COLUMNS = "id, seq, user_id, items, status, reason, stock_state, request_hash, created_at,"
      + " updated_at, confirmed_at";

  /**
   * Born with stock ASKED: the saga may reserve any moment after this commits, and recording that here
   * spares a commit (a WAL flush) of its own per order; ending an order that never reserved just
   * releases nothing.
   */
  static final String INSERT_ORDER = "INSERT INTO orders (id, user_id, items, status, idempotency_key, request_hash,"
      + " stock_state) VALUES ($1, $2, $3, 'PENDING', $4, $5, 'ASKED') ON CONFLICT (idempotency_key) DO NOTHING"
      + " RETURNING " + COLUMNS;

  static final String FIND_BY_KEY = "SELECT " + COLUMNS + " FROM orders WHERE idempotency_key = $1";

  static final String FIND = "SELECT " + COLUMNS + " FROM orders WHERE id = $1";

  static final String LIST = "SELECT " + COLUMNS + " FROM orders WHERE seq > $1 ORDER BY seq LIMIT $2";

  static final String LIST_BY_USER = "SELECT " + COLUMNS + " FROM orders WHERE user_id = $1 AND seq > $2"
      + " ORDER BY seq LIMIT $3";

  /** A state change, only from the states it is allowed from; no row back means someone else moved it. */
  static final String TRANSITION = "UPDATE orders SET status = $2, reason = $3, stock_state = $4,"
      + " confirmed_at = CASE WHEN $2 = 'CONFIRMED' THEN now() ELSE confirmed_at END, updated_at = now()"
      + " WHERE id = $1 AND status = ANY($5) AND stock_state = ANY($6) RETURNING " + COLUMNS;

  static final String SET_STOCK_STATE = "UPDATE orders SET stock_state = $3, updated_at = now()"
      + " WHERE id = $1 AND stock_state = ANY($2) RETURNING " + COLUMNS;

  /**
   * Orders the saga still owes work: PENDING ones nobody has touched for $1 ms (their saga died),
   * stock to release or a claimed commit left unfinished, and confirmed stock whose cancellation window
   * of $2 ms has passed.
   */
  static final String UNFINISHED = "SELECT " + COLUMNS + " FROM orders"
      + " WHERE (updated_at < now() - make_interval(secs => $1::float8 / 1000)"
      + "   AND (status = 'PENDING'"
      + "     OR (status IN ('REJECTED', 'CANCELLED') AND stock_state IN ('ASKED', 'RESERVED'))"
      + "     OR (status = 'CONFIRMED' AND stock_state = 'COMMITTING')))"
      + " OR (status = 'CONFIRMED' AND stock_state = 'RESERVED'"
      + "   AND confirmed_at < now() - make_interval(secs => $2::float8 / 1000))"
      + " ORDER BY updated_at LIMIT 100";

  static final String INSERT_EVENT = "INSERT INTO outbox (event_id, address, payload) VALUES ($1, $2, $3)";

  /** One relay at a time across all order instances, so events leave in seq order. */
  static final String RELAY_LOCK = "SELECT pg_try_advisory_xact_lock(4711) AS locked";

  /**
   * The relay's commit need not wait for the disk: if a crash loses its delete, the events go out again
   * and receivers drop them by eventId. Only the state changes and their events are written durably.
   */
  static final String RELAY_ASYNC_COMMIT = "SET LOCAL synchronous_commit = off";

  static final String NEXT_EVENTS = "SELECT seq, event_id, address, payload FROM outbox ORDER BY seq LIMIT $1";

  static final String DELETE_EVENTS_UP_TO = "DELETE FROM outbox WHERE seq <= $1";
}
