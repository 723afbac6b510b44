-- The W3C traceparent of the request that created an order, and of the order an outbox event announces,
-- when that trace was exported (NULL otherwise): the sweep and the relay run in traces of their own and
-- link back to the orders they work on.
ALTER TABLE orders ADD COLUMN traceparent text;
ALTER TABLE outbox ADD COLUMN traceparent text;
