package dev.onelog.internal.write;

import java.sql.SQLException;

/**
 * Work that runs on the writer thread inside the group-commit transaction, in a SAVEPOINT of its
 * own: an admin change, an offset commit, a group heartbeat, a maintenance slice, a caller's {@code
 * log.transaction}. When it throws, its savepoint is rolled back and it fails alone; the other
 * steps of the transaction commit. Its result is handed to its caller only after the transaction
 * committed.
 */
@FunctionalInterface
public interface Step<T> {
  T run(StepContext tx) throws SQLException;
}
