package dev.mesh.users;

/** Every SQL statement of the users service. */
final class UserSql {

  private static final String COLUMNS = "id, seq, email, name, created_at, updated_at";

  static final String INSERT = "INSERT INTO users (id, email, name) VALUES ($1, $2, $3) RETURNING " + COLUMNS;

  static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = $1";

  /** One row more than the page, to know whether a next page exists. */
  static final String SELECT_PAGE = "SELECT " + COLUMNS + " FROM users WHERE seq > $1 ORDER BY seq LIMIT $2";

  /** A null parameter keeps the stored value. */
  static final String UPDATE = "UPDATE users SET email = COALESCE($2, email), name = COALESCE($3, name),"
      + " updated_at = now() WHERE id = $1 RETURNING " + COLUMNS;

  static final String DELETE = "DELETE FROM users WHERE id = $1 RETURNING " + COLUMNS;

  private UserSql() {
  }
}
