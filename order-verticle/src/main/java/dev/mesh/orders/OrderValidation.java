package dev.mesh.orders;

import dev.mesh.common.input.Cursor;
import dev.mesh.common.input.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** The inputs of the order actions, checked field by field; every problem is reported at once. */
final class OrderValidation {

  static final int MAX_ITEMS = 50;
  static final int MAX_QUANTITY = 1000;
  static final String CURSOR_TAG = "orders";
  static final Pattern SKU = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");

  /** A validated create request; {@code hash} tells a repeat from a different order under the same key. */
  record NewOrder(String userId, JsonArray items, String idempotencyKey, String hash) {
  }

  record Page(String userId, long afterSeq, int limit) {
  }

  private OrderValidation() {
  }

  static NewOrder create(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("userId", "items", "idempotencyKey"));
    String userId = uuid(fields, "userId");
    String key = fields.string("idempotencyKey", true);
    if (key != null && !KEY.matcher(key).matches()) {
      fields.problem("idempotencyKey", "must be 1 to 200 printable ASCII characters without spaces");
    } else if (key == null && !fields.hasProblem("idempotencyKey")) {
      fields.problem("idempotencyKey", "is required (the Idempotency-Key header)");
    }
    JsonArray items = items(fields);
    fields.throwIfInvalid();
    JsonObject canonical = new JsonObject().put("userId", userId).put("items", items);
    return new NewOrder(userId, items, key, sha256(canonical.encode()));
  }

  static String id(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("id"));
    String id = uuid(fields, "id");
    fields.throwIfInvalid();
    return id;
  }

  static Page list(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("userId", "limit", "after"));
    String userId = fields.present("userId") ? uuid(fields, "userId") : null;
    int limit = fields.count("limit", 20, 1, 100);
    long afterSeq = 0;
    String after = fields.string("after", false);
    if (after != null) {
      String key = Cursor.decode(CURSOR_TAG, after);
      if (key == null || !key.matches("[0-9]{1,18}")) {
        fields.problem("after", "must be a cursor from a previous page's next");
      } else {
        afterSeq = Long.parseLong(key);
      }
    }
    fields.throwIfInvalid();
    return new Page(userId, afterSeq, limit);
  }

  private static JsonArray items(Fields fields) {
    JsonArray raw = fields.array("items", true);
    if (raw == null) {
      return null;
    }
    if (raw.isEmpty() || raw.size() > MAX_ITEMS) {
      fields.problem("items", "must hold 1 to " + MAX_ITEMS + " items");
      return null;
    }
    JsonArray items = new JsonArray();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String where = "items[" + i + "]";
      if (!(raw.getValue(i) instanceof JsonObject line)) {
        fields.problem(where, "must be an object {sku, quantity}");
        continue;
      }
      Fields item = fields.nested(line, where, Set.of("sku", "quantity"));
      String sku = item.string("sku", true);
      if (sku != null && !SKU.matcher(sku).matches()) {
        item.problem("sku", "must be 1 to 64 of A-Z a-z 0-9 - _, starting with a letter or digit");
      } else if (sku != null && !seen.add(sku)) {
        item.problem("sku", "appears more than once; give each sku once with its total quantity");
      }
      Long quantity = item.wholeNumber("quantity", true, 1, MAX_QUANTITY);
      if (sku != null && quantity != null) {
        items.add(new JsonObject().put("sku", sku).put("quantity", quantity));
      }
    }
    return items;
  }

  private static String uuid(Fields fields, String name) {
    String raw = fields.string(name, true);
    if (raw == null) {
      return null;
    }
    try {
      return UUID.fromString(raw).toString().equals(raw.toLowerCase()) ? raw.toLowerCase() : invalid(fields, name);
    } catch (IllegalArgumentException e) {
      return invalid(fields, name);
    }
  }

  private static String invalid(Fields fields, String name) {
    fields.problem(name, "must be a UUID such as 3f2b8c1e-7d4a-4e9b-9c1f-0a2b3c4d5e6f");
    return null;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
