-- The saga waits for a dependency instead of cancelling, and several order instances share this
-- database. Both are driven from these columns rather than from memory:
--   step            the next step of a PENDING order (CHECK_USER, RESERVE_STOCK), kept when it waits;
--   waiting_for     the service the order is waiting for (users, inventory), NULL when none;
--   attempts        failed attempts of the current step or stock settlement (the backoff grows with it);
--   claim           the token of the one driver allowed to change the order now; every saga write
--                   is guarded by it, so a driver that lost its claim changes nothing;
--   next_attempt_at when the sweep may (re)take the order: a waiting order's retry time, a driven
--                   order's lease (its driver died if it passes), a confirmed order's end of window;
--                   NULL when the saga owes nothing.
ALTER TABLE orders
  ADD COLUMN step            text        NOT NULL DEFAULT 'CHECK_USER'
                             CHECK (step IN ('CHECK_USER', 'RESERVE_STOCK')),
  ADD COLUMN waiting_for     text,
  ADD COLUMN attempts        integer     NOT NULL DEFAULT 0,
  ADD COLUMN claim           text,
  ADD COLUMN next_attempt_at timestamptz;

-- what older rows still owe: due now, except confirmed stock, which keeps the default 60 s window
UPDATE orders SET next_attempt_at = now()
  WHERE status = 'PENDING'
     OR (status IN ('REJECTED', 'CANCELLED') AND stock_state IN ('ASKED', 'RESERVED'))
     OR (status = 'CONFIRMED' AND stock_state = 'COMMITTING');
UPDATE orders SET next_attempt_at = confirmed_at + interval '60 seconds'
  WHERE status = 'CONFIRMED' AND stock_state = 'RESERVED';

DROP INDEX orders_unfinished;
CREATE INDEX orders_due ON orders (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
