package dev.mesh.common.input;

import java.text.Normalizer;

/**
 * Human text (names) as we are willing to store it: NFC-normalized, trimmed of Unicode whitespace,
 * measured in code points, and free of characters that PostgreSQL refuses (NUL, lone surrogates) or that
 * only serve to hide or reorder what a reader sees (controls, bidi overrides, private use, unassigned).
 */
public final class Text {

  private Text() {
  }

  /** The cleaned text, or null when {@link #problem} would report one. */
  public static String clean(String raw) {
    return problem(raw, 0, Integer.MAX_VALUE) == null ? normalize(raw) : null;
  }

  /** Why {@code raw} is not acceptable text of {@code min} to {@code max} characters, or null if it is. */
  public static String problem(String raw, int min, int max) {
    String bounds = "must be " + min + " to " + max + " characters after trimming";
    // refuse absurd sizes before scanning and normalizing them
    if (raw.length() > (long) max * 4 + 64) {
      return bounds;
    }
    // surrounding whitespace (tabs and newlines included) is trimmed; inside the text, controls are refused
    String trimmed = raw.strip();
    for (int i = 0; i < trimmed.length(); ) {
      int c = trimmed.codePointAt(i);
      if (!allowed(c)) {
        return "contains a character that is not allowed (U+" + String.format("%04X", c) + ")";
      }
      i += Character.charCount(c);
    }
    String text = normalize(trimmed);
    int length = text.codePointCount(0, text.length());
    return length < min || length > max ? bounds : null;
  }

  private static String normalize(String raw) {
    return Normalizer.normalize(raw.strip(), Normalizer.Form.NFC).strip();
  }

  private static boolean allowed(int c) {
    int type = Character.getType(c);
    if (type == Character.CONTROL || type == Character.SURROGATE || type == Character.PRIVATE_USE
        || type == Character.UNASSIGNED) {
      return false;
    }
    boolean bidiControl = (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    boolean lineOrParagraphSeparator = c == 0x2028 || c == 0x2029;
    return !bidiControl && !lineOrParagraphSeparator && c != 0xFEFF;
  }
}
