-- Products and their stock. Every unit ever stocked is in exactly one of available, reserved or sold:
-- the database itself refuses any change that would break that or make a count negative.
CREATE TABLE products (
  sku           text COLLATE "C" PRIMARY KEY,
  name          text        NOT NULL,
  price_cents   bigint      NOT NULL CHECK (price_cents >= 0),
  available     bigint      NOT NULL CHECK (available >= 0),
  reserved      bigint      NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  sold          bigint      NOT NULL DEFAULT 0 CHECK (sold >= 0),
  stocked_total bigint      NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT products_counts_add_up CHECK (available + reserved + sold = stocked_total)
);

-- One row per order that ever reserved (or was released before it reserved: VOID, a tombstone that
-- stops a late reserve of that order from holding stock nobody will release).
CREATE TABLE reservations (
  order_id   text COLLATE "C" PRIMARY KEY,
  state      text        NOT NULL CHECK (state IN ('RESERVED', 'RELEASED', 'COMMITTED', 'VOID')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reservation_items (
  order_id text COLLATE "C" NOT NULL REFERENCES reservations (order_id),
  sku      text COLLATE "C" NOT NULL REFERENCES products (sku),
  quantity bigint NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, sku)
);
