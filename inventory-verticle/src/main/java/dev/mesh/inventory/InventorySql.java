package dev.mesh.inventory;

/** Every SQL statement of the inventory service. */
final class InventorySql {

  private static final String PRODUCT_COLUMNS =
      "sku, name, price_cents, available, reserved, sold, stocked_total, created_at, updated_at";
  private static final String PRODUCT_COLUMNS_OF_P =
      "p.sku, p.name, p.price_cents, p.available, p.reserved, p.sold, p.stocked_total, p.created_at, p.updated_at";

  // --- products

  static final String INSERT_PRODUCT = "INSERT INTO products (sku, name, price_cents, available, stocked_total)"
      + " VALUES ($1, $2, $3, $4, $4) RETURNING " + PRODUCT_COLUMNS;

  static final String SELECT_PRODUCT = "SELECT " + PRODUCT_COLUMNS + " FROM products WHERE sku = $1";

  /** One row more than the page, to know whether a next page exists. */
  static final String SELECT_PRODUCT_PAGE = "SELECT " + PRODUCT_COLUMNS
      + " FROM products WHERE sku > $1 ORDER BY sku LIMIT $2";

  static final String RESTOCK = "UPDATE products SET available = available + $2, stocked_total = stocked_total + $2,"
      + " updated_at = now() WHERE sku = $1 RETURNING " + PRODUCT_COLUMNS;

  /** A null parameter keeps the stored value. */
  static final String UPDATE_PRODUCT = "UPDATE products SET name = COALESCE($2, name),"
      + " price_cents = COALESCE($3, price_cents), updated_at = now() WHERE sku = $1 RETURNING " + PRODUCT_COLUMNS;

  // --- reservations: rows are always locked in sku order, so concurrent orders cannot deadlock

  /** Claims the order id; answers no row if the order is already known (then its stored state rules). */
  static final String CLAIM_ORDER = "INSERT INTO reservations (order_id, state) VALUES ($1, $2)"
      + " ON CONFLICT (order_id) DO NOTHING RETURNING order_id";

  static final String LOCK_ORDER = "SELECT state FROM reservations WHERE order_id = $1 FOR UPDATE";

  static final String SELECT_ORDER_STATE = "SELECT state FROM reservations WHERE order_id = $1";

  static final String SELECT_ORDER_ITEMS = "SELECT sku, quantity FROM reservation_items WHERE order_id = $1";

  static final String SET_ORDER_STATE = "UPDATE reservations SET state = $2, updated_at = now() WHERE order_id = $1";

  static final String LOCK_PRODUCTS = "SELECT sku, available FROM products WHERE sku = ANY($1::text[])"
      + " ORDER BY sku FOR UPDATE";

  static final String LOCK_PRODUCTS_OF_ORDER = "SELECT p.sku FROM products p JOIN reservation_items i"
      + " ON i.sku = p.sku WHERE i.order_id = $1 ORDER BY p.sku FOR UPDATE OF p";

  static final String MOVE_AVAILABLE_TO_RESERVED = "UPDATE products p SET available = p.available - r.quantity,"
      + " reserved = p.reserved + r.quantity, updated_at = now()"
      + " FROM unnest($1::text[], $2::bigint[]) AS r(sku, quantity) WHERE p.sku = r.sku RETURNING "
      + PRODUCT_COLUMNS_OF_P;

  static final String INSERT_ORDER_ITEMS = "INSERT INTO reservation_items (order_id, sku, quantity)"
      + " SELECT $1, r.sku, r.quantity FROM unnest($2::text[], $3::bigint[]) AS r(sku, quantity)";

  static final String MOVE_RESERVED_TO_AVAILABLE = "UPDATE products p SET available = p.available + i.quantity,"
      + " reserved = p.reserved - i.quantity, updated_at = now()"
      + " FROM reservation_items i WHERE i.order_id = $1 AND p.sku = i.sku RETURNING " + PRODUCT_COLUMNS_OF_P;

  static final String MOVE_RESERVED_TO_SOLD = "UPDATE products p SET reserved = p.reserved - i.quantity,"
      + " sold = p.sold + i.quantity, updated_at = now()"
      + " FROM reservation_items i WHERE i.order_id = $1 AND p.sku = i.sku RETURNING " + PRODUCT_COLUMNS_OF_P;

  private InventorySql() {
  }
}
