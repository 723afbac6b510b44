package dev.mesh.inventory;

import dev.mesh.common.input.Cursor;
import dev.mesh.common.input.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns each action's raw input into a checked request, or fails with a 400 naming every bad field.
 * Nothing reaches the database before it passed here.
 */
final class InventoryValidation {

  /** A sku: 1 to 64 ASCII letters, digits, '-' or '_', starting with a letter or digit; case matters. */
  static final Pattern SKU = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  /** An order id: 1 to 128 ASCII letters, digits, '-', '_', '.' or ':', starting with a letter or digit. */
  static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  static final int NAME_MIN = 1;
  static final int NAME_MAX = 200;
  static final long PRICE_MAX = 10_000_000_000L;
  static final long STOCK_MAX = 1_000_000_000L;
  static final long ITEM_QUANTITY_MAX = 1_000_000L;
  static final int ITEMS_MAX = 100;
  static final int PAGE_DEFAULT = 20;
  static final int PAGE_MAX = 100;
  static final String CURSOR_TAG = "p1";

  record NewProduct(String sku, String name, long priceCents, long available) {
  }

  record Restock(String sku, long quantity) {
  }

  record ProductChanges(String sku, String name, Long priceCents) {
  }

  record Page(String afterSku, int limit) {
  }

  record Reserve(String orderId, SortedMap<String, Long> items) {
  }

  private InventoryValidation() {
  }

  static NewProduct create(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("sku", "name", "priceCents", "available"));
    String sku = sku(fields);
    String name = name(fields, true);
    Long price = fields.wholeNumber("priceCents", true, 0, PRICE_MAX);
    Long available = fields.wholeNumber("available", false, 0, STOCK_MAX);
    fields.throwIfInvalid();
    return new NewProduct(sku, name, price, available == null ? 0 : available);
  }

  static String sku(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("sku"));
    String sku = sku(fields);
    fields.throwIfInvalid();
    return sku;
  }

  static Restock restock(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("sku", "quantity"));
    String sku = sku(fields);
    Long quantity = fields.wholeNumber("quantity", true, 1, STOCK_MAX);
    fields.throwIfInvalid();
    return new Restock(sku, quantity);
  }

  static ProductChanges update(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("sku", "name", "priceCents"));
    String sku = sku(fields);
    String name = name(fields, false);
    Long price = fields.wholeNumber("priceCents", false, 0, PRICE_MAX);
    if (!fields.present("name") && !fields.present("priceCents")) {
      fields.problem("priceCents", "give priceCents or name (or both) to change");
      fields.problem("name", "give priceCents or name (or both) to change");
    }
    fields.throwIfInvalid();
    return new ProductChanges(sku, name, price);
  }

  static Page page(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("limit", "after"));
    int limit = fields.count("limit", PAGE_DEFAULT, 1, PAGE_MAX);
    String after = fields.string("after", false);
    String afterSku = "";
    if (after != null) {
      afterSku = Cursor.decode(CURSOR_TAG, after);
      if (afterSku == null || !SKU.matcher(afterSku).matches()) {
        fields.problem("after", "is not a cursor given by this service (use 'next' of the previous page)");
      }
    }
    fields.throwIfInvalid();
    return new Page(afterSku, limit);
  }

  static String cursorAfter(Product product) {
    return Cursor.encode(CURSOR_TAG, product.sku());
  }

  static Reserve reserve(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("orderId", "items"));
    String orderId = orderId(fields);
    SortedMap<String, Long> items = new TreeMap<>();
    JsonArray lines = fields.array("items", true);
    if (lines != null && (lines.isEmpty() || lines.size() > ITEMS_MAX)) {
      fields.problem("items", "must hold 1 to " + ITEMS_MAX + " items");
    } else if (lines != null) {
      for (int i = 0; i < lines.size(); i++) {
        readItem(fields, lines.getValue(i), "items[" + i + "]", items);
      }
    }
    fields.throwIfInvalid();
    return new Reserve(orderId, items);
  }

  static String orderId(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("orderId"));
    String orderId = orderId(fields);
    fields.throwIfInvalid();
    return orderId;
  }

  private static void readItem(Fields fields, Object value, String where, SortedMap<String, Long> items) {
    if (!(value instanceof JsonObject line)) {
      fields.problem(where, "must be an object {sku, quantity}");
      return;
    }
    Fields item = fields.nested(line, where, Set.of("sku", "quantity"));
    String sku = sku(item);
    Long quantity = item.wholeNumber("quantity", true, 1, ITEM_QUANTITY_MAX);
    if (sku != null && items.containsKey(sku)) {
      item.problem("sku", "appears more than once; give each sku once with its total quantity");
    } else if (sku != null && quantity != null) {
      items.put(sku, quantity);
    }
  }

  private static String sku(Fields fields) {
    String sku = fields.string("sku", true);
    if (sku != null && !SKU.matcher(sku).matches()) {
      fields.problem("sku", "must be 1 to 64 of A-Z a-z 0-9 - _, starting with a letter or digit");
      return null;
    }
    return sku;
  }

  private static String orderId(Fields fields) {
    String orderId = fields.string("orderId", true);
    if (orderId != null && !ORDER_ID.matcher(orderId).matches()) {
      fields.problem("orderId", "must be 1 to 128 of A-Z a-z 0-9 . _ : -, starting with a letter or digit");
      return null;
    }
    return orderId;
  }

  private static String name(Fields fields, boolean required) {
    return fields.text("name", required, NAME_MIN, NAME_MAX);
  }
}
