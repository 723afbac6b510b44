package dev.mesh.db;

import dev.mesh.common.MeshError;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;

/**
 * PostgreSQL failures that are a caller's conflict or a passing condition rather than a defect.
 */
public final class PgErrors {

  public static final String UNIQUE_VIOLATION = "23505";
  private static final String CHECK_VIOLATION = "23514";
  private static final String SERIALIZATION_FAILURE = "40001";
  private static final String DEADLOCK = "40P01";

  private PgErrors() {
  }

  public static boolean isUniqueViolation(Throwable failure) {
    return failure instanceof DatabaseException db && UNIQUE_VIOLATION.equals(db.getSqlState());
  }

  /**
   * Maps what is not a defect: a broken constraint is a 409 (the database refused an impossible state),
   * a lost race a 503 the caller may retry, a lost connection a 503. Anything else is left as it is.
   */
  public static Throwable translate(Throwable failure) {
    if (failure instanceof DatabaseException db) {
      String state = db.getSqlState() == null ? "" : db.getSqlState();
      if (state.equals(CHECK_VIOLATION) || state.equals(UNIQUE_VIOLATION)) {
        return MeshError.conflict("the change conflicts with the stored data");
      }
      if (state.equals(SERIALIZATION_FAILURE) || state.equals(DEADLOCK)) {
        return MeshError.unavailable("a concurrent change got in the way; retry");
      }
      if (state.startsWith("08") || state.startsWith("57P")) {
        return MeshError.unavailable("the database is not reachable");
      }
    }
    // a refused or dropped connection carries no SQL state
    if (failure instanceof ClosedConnectionException || failure instanceof java.net.ConnectException
        || failure instanceof java.io.IOException) {
      return MeshError.unavailable("the database is not reachable");
    }
    return failure;
  }
}
