package dev.mesh.common.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.MeshError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading an action's input: every bad field reported at once, by name, never echoing the value. */
class FieldsTest {

  private static JsonObject problemsOf(Fields fields) {
    MeshError error = assertThrows(MeshError.class, fields::throwIfInvalid);
    assertEquals(400, error.status());
    assertEquals("invalid", error.error());
    return error.fields();
  }

  @Test
  void validInputReadsBackWithNoProblem() {
    Fields fields = Fields.of(new JsonObject().put("name", " Ada ").put("quantity", 3).put("items", new JsonArray()),
        Set.of("name", "quantity", "items", "note"));
    assertEquals("Ada", fields.text("name", true, 1, 10));
    assertEquals(3L, fields.wholeNumber("quantity", true, 1, 99));
    assertEquals(new JsonArray(), fields.array("items", true));
    assertNull(fields.string("note", false), "an optional field may be absent");
    assertFalse(fields.present("note"));
    fields.throwIfInvalid();
  }

  @Test
  void everyBadFieldIsReportedTogether() {
    JsonObject input = new JsonObject().put("name", 42).put("quantity", "3").put("items", new JsonObject());
    Fields fields = Fields.of(input, Set.of("name", "quantity", "items", "email"));
    assertNull(fields.string("name", true));
    assertNull(fields.wholeNumber("quantity", true, 1, 99));
    assertNull(fields.array("items", true));
    assertNull(fields.string("email", true));
    assertEquals(new JsonObject()
        .put("name", "must be a string")
        .put("quantity", "must be a number")
        .put("items", "must be an array")
        .put("email", "is required"), problemsOf(fields));
  }

  @Test
  void anExplicitNullIsRefusedEvenForAnOptionalField() {
    Fields fields = Fields.of(new JsonObject().putNull("note"), Set.of("note"));
    assertTrue(fields.present("note"));
    assertNull(fields.string("note", false));
    assertEquals(new JsonObject().put("note", "must not be null"), problemsOf(fields));
  }

  @Test
  void unknownFieldsAreNamedSafelyWithTheAllowedOnes() {
    String hostile = "<script>\u0000" + "x".repeat(100);
    Fields fields = Fields.of(new JsonObject().put("nmae", "Ada").put(hostile, 1), Set.of("name", "email"));
    JsonObject problems = problemsOf(fields);
    assertEquals("unknown field; allowed: email, name", problems.getString("nmae"));
    String reported = problems.fieldNames().stream().filter(n -> n.startsWith("<script>")).findFirst().orElseThrow();
    assertEquals("<script>?" + "x".repeat(55) + "...", reported, "cut to 64 printable characters");
  }

  @Test
  void aNullInputIsAnEmptyOne() {
    Fields fields = Fields.of(null, Set.of("name"));
    assertNull(fields.string("name", true));
    assertEquals(new JsonObject().put("name", "is required"), problemsOf(fields));
  }

  @Test
  void wholeNumbersAreJsonIntegersWithinBounds() {
    JsonObject input = new JsonObject().put("low", 0).put("high", 100).put("fraction", 1.5)
        .put("huge", new BigInteger("123456789012345678901234567890")).put("text", "5").put("ok", 99L);
    Fields fields = Fields.of(input, Set.of("low", "high", "fraction", "huge", "text", "ok"));
    String bounds = "must be a whole number from 1 to 99";
    assertNull(fields.wholeNumber("low", true, 1, 99));
    assertNull(fields.wholeNumber("high", true, 1, 99));
    assertNull(fields.wholeNumber("fraction", true, 1, 99));
    assertNull(fields.wholeNumber("huge", true, 1, 99));
    assertNull(fields.wholeNumber("text", true, 1, 99));
    assertEquals(99L, fields.wholeNumber("ok", true, 1, 99));
    assertEquals(new JsonObject().put("low", bounds).put("high", bounds).put("fraction", bounds)
        .put("huge", bounds).put("text", "must be a number"), problemsOf(fields));
  }

  @Test
  void aCountTakesANumberOrADecimalStringAndFallsBackToItsDefault() {
    JsonObject input = new JsonObject().put("limit", "25").put("size", 7).put("neg", "-1").put("big", "1234567890")
        .put("zero", 0).put("word", "ten");
    Fields fields = Fields.of(input, Set.of("limit", "size", "neg", "big", "zero", "word", "absent"));
    assertEquals(25, fields.count("limit", 20, 1, 100), "a query value arrives as a string");
    assertEquals(7, fields.count("size", 20, 1, 100));
    assertEquals(20, fields.count("absent", 20, 1, 100));
    assertEquals(20, fields.count("neg", 20, 1, 100));
    assertEquals(20, fields.count("big", 20, 1, 100), "more than nine digits is never a count");
    assertEquals(20, fields.count("zero", 20, 1, 100));
    assertEquals(20, fields.count("word", 20, 1, 100));
    String bounds = "must be a whole number from 1 to 100";
    assertEquals(new JsonObject().put("neg", bounds).put("big", bounds).put("zero", bounds).put("word", bounds),
        problemsOf(fields));
  }

  @Test
  void textIsCleanedOrRefusedWithTheReasonOfText() {
    Fields fields = Fields.of(new JsonObject().put("name", "  Grace  ").put("nick", "a\u202Eb").put("bio", ""),
        Set.of("name", "nick", "bio"));
    assertEquals("Grace", fields.text("name", true, 1, 10));
    assertNull(fields.text("nick", true, 1, 10));
    assertNull(fields.text("bio", true, 1, 10));
    assertEquals(new JsonObject().put("nick", "contains a character that is not allowed (U+202E)")
        .put("bio", "must be 1 to 10 characters after trimming"), problemsOf(fields));
  }

  @Test
  void nestedObjectsReportUnderTheirPrefixAndTheFirstProblemOfAFieldWins() {
    Fields order = Fields.of(new JsonObject().put("items", new JsonArray()), Set.of("items"));
    Fields item = order.nested(new JsonObject().put("sku", 5).put("colour", "red"), "items[0]", Set.of("sku"));
    assertNull(item.string("sku", true));
    item.problem("sku", "a later reason");
    assertTrue(item.hasProblem("sku"));
    assertFalse(order.hasProblem("sku"), "the parent sees the nested problem under its full name only");
    assertTrue(order.hasProblem("items[0].sku"));
    assertEquals(new JsonObject().put("items[0].colour", "unknown field; allowed: sku")
        .put("items[0].sku", "must be a string"), problemsOf(order));
  }
}
