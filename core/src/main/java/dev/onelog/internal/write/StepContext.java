package dev.onelog.internal.write;

import dev.onelog.RecordMetadata;
import dev.onelog.internal.storage.StatementCache;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link Step} sees of the group-commit transaction it runs in: the writer's connection and
 * its cached statements (inside {@code BEGIN IMMEDIATE} and the step's SAVEPOINT), the time, a way
 * to append records now, and hooks that run only once the transaction committed. Not thread-safe:
 * valid on the writer thread while the step runs.
 *
 * <p>A step must not begin, commit or roll back the transaction, nor release savepoints it did not
 * create: {@link GroupCommit} owns them.
 */
public final class StepContext {
  private final StatementCache statements;
  private final long nowMs;
  private final AppendStep appends;
  private final List<Runnable> afterCommit = new ArrayList<>();
  private boolean schemaChanged;

  StepContext(StatementCache statements, long nowMs, AppendStep appends) {
    this.statements = statements;
    this.nowMs = nowMs;
    this.appends = appends;
  }

  public Connection connection() {
    return statements.connection();
  }

  public StatementCache statements() {
    return statements;
  }

  /** The log's clock when the transaction took the write lock, in milliseconds since the epoch. */
  public long nowMs() {
    return nowMs;
  }

  /**
   * Appends records inside this transaction, now: their offsets are final once it commits. The
   * records follow everything appended earlier in the transaction.
   *
   * @throws dev.onelog.UnknownTopicException when a record's topic no longer exists
   */
  public RecordMetadata[] append(EncodedRecord[] records) throws SQLException {
    return appends.appendNow(statements, records);
  }

  /** Runs {@code action} after the transaction committed, on the writer thread, in order. */
  public void afterCommit(Runnable action) {
    afterCommit.add(action);
  }

  /** The step created or dropped tables: cached statements are closed after the transaction. */
  public void schemaChanged() {
    schemaChanged = true;
  }

  boolean isSchemaChanged() {
    return schemaChanged;
  }

  /** The after-commit actions registered since {@code from}, for a step's savepoint to drop. */
  int afterCommitCount() {
    return afterCommit.size();
  }

  void dropAfterCommitFrom(int from) {
    afterCommit.subList(from, afterCommit.size()).clear();
  }

  List<Runnable> afterCommitActions() {
    return afterCommit;
  }
}
