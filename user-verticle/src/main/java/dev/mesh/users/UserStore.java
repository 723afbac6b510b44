package dev.mesh.users;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The users table. Each operation is a single statement, so it is atomic without an explicit transaction,
 * and its future completes only once the change is committed.
 */
final class UserStore {

  private final Pool pool;

  UserStore(Pool pool) {
    this.pool = pool;
  }

  Future<User> insert(UUID id, String email, String name) {
    return pool.preparedQuery(UserSql.INSERT).execute(Tuple.of(id, email, name))
        .map(rows -> User.from(rows.iterator().next()));
  }

  Future<Optional<User>> find(UUID id) {
    return pool.preparedQuery(UserSql.SELECT_BY_ID).execute(Tuple.of(id)).map(UserStore::first);
  }

  /** Up to {@code limit + 1} users after {@code afterSeq}, in page order. */
  Future<List<User>> pageAfter(long afterSeq, int limit) {
    return pool.preparedQuery(UserSql.SELECT_PAGE).execute(Tuple.of(afterSeq, limit + 1))
        .map(rows -> {
          List<User> users = new ArrayList<>();
          rows.forEach(row -> users.add(User.from(row)));
          return users;
        });
  }

  Future<Optional<User>> update(UUID id, String email, String name) {
    return pool.preparedQuery(UserSql.UPDATE).execute(Tuple.of(id, email, name)).map(UserStore::first);
  }

  Future<Optional<User>> delete(UUID id) {
    return pool.preparedQuery(UserSql.DELETE).execute(Tuple.of(id)).map(UserStore::first);
  }

  private static Optional<User> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(User.from(rows.iterator().next()));
  }
}
