package dev.mesh.common.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What human text (a name) the services store, and what they refuse with a reason. */
class TextTest {

  @Test
  void surroundingWhitespaceIsTrimmedAndTheTextNormalizedToNfc() {
    assertEquals("Grace Hopper", Text.clean(" \t Grace Hopper\n"));
    assertEquals("Ren\u00e9", Text.clean("Rene\u0301"), "a decomposed accent is stored composed");
    assertEquals("Grace Hopper", Text.clean("\u2003Grace Hopper\u3000"), "Unicode spaces are whitespace too");
  }

  @Test
  void lengthIsCountedInCodePointsAfterTrimmingAndNormalizing() {
    assertNull(Text.problem("\uD83D\uDE00\uD83D\uDE00", 2, 2), "two emoji are two characters, not four");
    assertNull(Text.problem("Rene\u0301", 4, 4), "an accent composed with its letter is one character");
    assertNull(Text.problem("  ab  ", 2, 2));
    String bounds = "must be 2 to 3 characters after trimming";
    assertEquals(bounds, Text.problem("a", 2, 3));
    assertEquals(bounds, Text.problem("abcd", 2, 3));
    assertEquals("must be 1 to 10 characters after trimming", Text.problem("   ", 1, 10), "blank is empty");
  }

  @Test
  void anAbsurdlyLongInputIsRefusedBeforeItIsScanned() {
    String huge = "a".repeat(10 * 4 + 65);
    assertEquals("must be 1 to 10 characters after trimming", Text.problem(huge, 1, 10));
  }

  @Test
  void charactersThatHideOrReorderWhatAReaderSeesAreRefused() {
    for (String bad : new String[] {
        "a\u0000b", // NUL: PostgreSQL refuses it
        "a\u0007b", // a control
        "a\nb", // a newline inside the text
        "a\uD800b", // a lone surrogate
        "a\u202Eb", // right-to-left override
        "a\u2066b", // left-to-right isolate
        "a\u2028b", // line separator
        "a\uFEFFb", // zero-width no-break space (BOM)
        "a\uE000b", // private use
        "a\u0378b", // unassigned
    }) {
      String problem = Text.problem(bad, 1, 10);
      assertTrue(problem != null && problem.startsWith("contains a character that is not allowed (U+"),
          "refused: " + bad.codePoints().mapToObj(Integer::toHexString).toList() + " -> " + problem);
      assertNull(Text.clean(bad), "clean gives nothing for text it refuses");
    }
    assertEquals("contains a character that is not allowed (U+202E)", Text.problem("a\u202Eb", 1, 10),
        "the reason names the code point, never the text");
  }

  @Test
  void lettersOfAnyScriptAndPunctuationAreAccepted() {
    for (String good : new String[] {"\u674e\u5c0f\u9f99", "\u0417\u043e\u044f", "O'Brien-Smith", "\u05e9\u05dc\u05d5\u05dd",
        "Ada \uD83D\uDE80"}) {
      assertNull(Text.problem(good, 1, 20), good);
      assertEquals(good, Text.clean(good));
    }
  }
}
