-- Orders and the saga's progress. status is what the customer sees; stock_state is what the saga still
-- owes the inventory service, so a sweep after a crash knows what to finish.
CREATE TABLE orders (
  id                text COLLATE "C" PRIMARY KEY,
  seq               bigserial   NOT NULL UNIQUE,
  user_id           text        NOT NULL,
  items             jsonb       NOT NULL,
  status            text        NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED')),
  reason            text,
  idempotency_key   text        NOT NULL UNIQUE,
  request_hash      text        NOT NULL,
  -- NONE: never asked to reserve; ASKED: a reserve was sent (its outcome may be unknown);
  -- RESERVED, COMMITTING (claimed for commit; cancel no longer possible), COMMITTED, RELEASED.
  stock_state       text        NOT NULL DEFAULT 'NONE'
                    CHECK (stock_state IN ('NONE', 'ASKED', 'RESERVED', 'COMMITTING', 'COMMITTED', 'RELEASED')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  confirmed_at      timestamptz
);

CREATE INDEX orders_by_user ON orders (user_id, seq);
CREATE INDEX orders_unfinished ON orders (updated_at)
  WHERE status = 'PENDING'
     OR (status IN ('REJECTED', 'CANCELLED') AND stock_state IN ('ASKED', 'RESERVED'))
     OR (status = 'CONFIRMED' AND stock_state IN ('RESERVED', 'COMMITTING'));

-- Events written in the same transaction as the state change they announce; the relay publishes them
-- in seq order and deletes them, so none is lost and each order's events keep their order.
CREATE TABLE outbox (
  seq        bigserial PRIMARY KEY,
  event_id   text        NOT NULL UNIQUE,
  address    text        NOT NULL,
  payload    jsonb       NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
