package dev.mesh.users;

import dev.mesh.common.input.Cursor;
import dev.mesh.common.input.Fields;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns each action's raw input into a checked request, or fails with a 400 naming every bad field.
 * Nothing reaches the database before it passed here.
 */
final class UserValidation {

  static final int NAME_MIN = 2;
  static final int NAME_MAX = 100;
  static final int EMAIL_MAX = 254;
  static final int LOCAL_PART_MAX = 64;
  static final int PAGE_DEFAULT = 20;
  static final int PAGE_MAX = 100;
  static final String CURSOR_TAG = "u1";

  /** dot-atom local part @ domain of LDH labels with an alphabetic TLD; ASCII only (no IDN, no quoting). */
  static final Pattern EMAIL = Pattern.compile(
      "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
          + "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");
  private static final Pattern UUID_SHAPE = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  record NewUser(String email, String name) {
  }

  record UserChanges(UUID id, String email, String name) {
  }

  record Page(long afterSeq, int limit) {
  }

  private UserValidation() {
  }

  static NewUser create(JsonObject input) {
    // an id is not merely unknown here: say why it is refused
    JsonObject body = input.copy();
    boolean clientMadeId = body.containsKey("id");
    body.remove("id");
    Fields fields = Fields.of(body, Set.of("email", "name"));
    if (clientMadeId) {
      fields.problem("id", "is made by the server; do not send it");
    }
    String email = email(fields, true);
    String name = name(fields, true);
    fields.throwIfInvalid();
    return new NewUser(email, name);
  }

  static UUID id(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("id"));
    UUID id = id(fields);
    fields.throwIfInvalid();
    return id;
  }

  static UserChanges update(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("id", "email", "name"));
    UUID id = id(fields);
    String email = email(fields, false);
    String name = name(fields, false);
    if (!fields.present("email") && !fields.present("name")) {
      fields.problem("email", "give email or name (or both) to change");
      fields.problem("name", "give email or name (or both) to change");
    }
    fields.throwIfInvalid();
    return new UserChanges(id, email, name);
  }

  static Page page(JsonObject input) {
    Fields fields = Fields.of(input, Set.of("limit", "after"));
    int limit = fields.count("limit", PAGE_DEFAULT, 1, PAGE_MAX);
    long afterSeq = 0;
    String after = fields.string("after", false);
    if (after != null) {
      afterSeq = seqOf(after);
      if (afterSeq < 0) {
        fields.problem("after", "is not a cursor given by this service (use 'next' of the previous page)");
      }
    }
    fields.throwIfInvalid();
    return new Page(afterSeq, limit);
  }

  static String cursorAfter(User user) {
    return Cursor.encode(CURSOR_TAG, Long.toString(user.seq()));
  }

  private static long seqOf(String cursor) {
    String key = Cursor.decode(CURSOR_TAG, cursor);
    if (key == null || !key.matches("[0-9]{1,18}")) {
      return -1;
    }
    return Long.parseLong(key);
  }

  private static UUID id(Fields fields) {
    String raw = fields.string("id", true);
    if (raw == null) {
      return null;
    }
    if (!UUID_SHAPE.matcher(raw).matches()) {
      fields.problem("id", "must be a UUID such as 3f2b8c1e-7d4a-4e9b-9c1f-0a2b3c4d5e6f");
      return null;
    }
    return UUID.fromString(raw.toLowerCase(Locale.ROOT));
  }

  private static String email(Fields fields, boolean required) {
    String raw = fields.string("email", required);
    if (raw == null) {
      return null;
    }
    String email = raw.strip();
    if (email.length() > EMAIL_MAX) {
      fields.problem("email", "must be at most " + EMAIL_MAX + " characters");
      return null;
    }
    int at = email.lastIndexOf('@');
    if (!EMAIL.matcher(email).matches() || at > LOCAL_PART_MAX) {
      fields.problem("email", "must be an email address such as ada@example.com");
      return null;
    }
    return email;
  }

  private static String name(Fields fields, boolean required) {
    return fields.text("name", required, NAME_MIN, NAME_MAX);
  }
}
