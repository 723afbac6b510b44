package dev.mesh.common.input;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code after} cursor of a page: the last item's sort key, tagged and base64url-encoded so
 * callers treat it as a token rather than something to build by hand.
 */
public final class Cursor {

  private static final int MAX_LENGTH = 512;

  private Cursor() {
  }

  public static String encode(String tag, String key) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((tag + ":" + key).getBytes(StandardCharsets.UTF_8));
  }

  /** The key inside a cursor made by {@link #encode} with this tag, or null if it is not one. */
  public static String decode(String tag, String cursor) {
    if (cursor == null || cursor.isEmpty() || cursor.length() > MAX_LENGTH) {
      return null;
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      return text.startsWith(tag + ":") ? text.substring(tag.length() + 1) : null;
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }
}
