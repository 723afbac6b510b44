-- Seeds the pgbench database (the three services' schemas, applied just before) with :users users
-- whose ids pgbench can compute, and :skus products with stock that never runs out during a run.
INSERT INTO users (id, email, name)
  SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'bench-' || n || '@example.org', 'Bench User ' || n
  FROM generate_series(1, :users) AS n;
INSERT INTO products (sku, name, price_cents, available, stocked_total)
  SELECT 'bench-sku-' || n, 'Bench product ' || n, 100, 1000000000, 1000000000
  FROM generate_series(1, :skus) AS n;
ANALYZE;
