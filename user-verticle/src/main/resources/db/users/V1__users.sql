-- Users of the shop. The id is made by the service; seq only gives pages a stable order.
CREATE TABLE users (
  id         uuid        PRIMARY KEY,
  seq        bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
  email      text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  name       text        NOT NULL CHECK (length(name) BETWEEN 2 AND 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One account per address, whatever its case.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
