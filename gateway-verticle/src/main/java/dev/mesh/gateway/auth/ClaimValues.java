package dev.mesh.gateway.auth;

import dev.mesh.common.MeshError;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The roles and scopes a token claims, as plain names. A name is a non-empty string with no comma and no
 * whitespace: identity travels between JVMs as comma-joined headers ({@code mesh-roles}), so a role
 * {@code "customer,admin"} would arrive downstream as two roles, one of them {@code admin}. A token whose
 * claim holds anything else (such a name, a number, an object) is refused, never cleaned up: its issuer
 * is broken or the token is made to escalate.
 *
 * <p>The claim is a JSON array of names, or one string of names separated by spaces, as OAuth's
 * {@code scope} is (RFC 9068).
 */
final class ClaimValues {

  private ClaimValues() {
  }

  /** The names in {@code claim} ({@code name} for the error); none when the token does not carry it. */
  static List<String> names(String name, Object claim) {
    List<String> values = new ArrayList<>();
    if (claim == null) {
      return values;
    }
    if (claim instanceof JsonArray array) {
      for (Object value : array) {
        if (!(value instanceof String text) || !plain(text)) {
          throw refused(name);
        }
        values.add(text);
      }
    } else if (claim instanceof String text) {
      for (String value : text.split(" ")) {
        if (value.isEmpty()) {
          continue; // "a  b" or a trailing space: separators, not names
        }
        if (!plain(value)) {
          throw refused(name);
        }
        values.add(value);
      }
    } else {
      throw refused(name);
    }
    return values;
  }

  /** Non-empty, and no comma, whitespace or control character: nothing a list of names could split on. */
  private static boolean plain(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ',' || Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        return false;
      }
    }
    return true;
  }

  private static MeshError refused(String name) {
    return MeshError.unauthorized("the bearer token's '" + name + "' claim must be a list of names without commas"
        + " or spaces");
  }
}
