package dev.onelog.internal.transaction;

import dev.onelog.OneLogException;
import dev.onelog.ProducerRecord;
import dev.onelog.RecordMetadata;
import dev.onelog.Row;
import dev.onelog.StorageException;
import dev.onelog.TopicPartition;
import dev.onelog.Transaction;
import dev.onelog.group.ConsumerGroupMetadata;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.group.OffsetCommits;
import dev.onelog.internal.write.Step;
import dev.onelog.internal.write.StepContext;
import dev.onelog.internal.write.StoredBatchAppend;
import dev.onelog.internal.write.Writer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link Transaction} a caller's body is given: a view of the writer's step, valid while the
 * body runs. Records are encoded and appended at once, in the transaction; SQL runs on the writer's
 * connection after {@link SqlGuard} let it through. Not thread-safe: the thread running the body's.
 */
public final class CallerTransaction implements Transaction {
  private final LogContext context;
  private final StepContext tx;
  private final SqlGuard guard;
  private boolean done;

  private CallerTransaction(LogContext context, StepContext tx) {
    this.context = context;
    this.tx = tx;
    this.guard = context.layer(SqlGuard.class, c -> new SqlGuard());
  }

  /**
   * Queues a caller's body as a transaction of the log's writer. A caller that waits for it ({@code
   * callerWaits}) may run and commit it on its own thread when the writer is idle ({@code
   * Writer.submitAndWait}).
   */
  public static <T> CompletableFuture<T> submit(
      LogContext context, Transaction.Callable<T> body, boolean callerWaits) {
    Objects.requireNonNull(body, "work");
    context.ensureOpen();
    Step<T> step = tx -> run(context, tx, body);
    Writer writer = context.writer();
    return callerWaits
        ? writer.submitAndWait(step, "running a transaction")
        : writer.submit(step, "running a transaction");
  }

  /** Runs a caller's body as a step; its exception fails the step alone. */
  public static <T> T run(LogContext context, StepContext tx, Transaction.Callable<T> body)
      throws SQLException {
    CallerTransaction transaction = new CallerTransaction(context, tx);
    try {
      return body.run(transaction);
    } catch (SQLException | RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new OneLogException("the transaction's body threw " + e, e);
    } finally {
      transaction.done = true;
    }
  }

  /**
   * The writer step behind a transaction body's {@code tx}, for a layer that writes its own tables
   * in the caller's transaction (the event store's appends).
   *
   * @throws IllegalArgumentException when {@code tx} is not one this log gave a body
   * @throws IllegalStateException when the body already returned
   */
  public static StepContext stepOf(Transaction tx, LogContext context) {
    if (!(tx instanceof CallerTransaction caller) || caller.context != context) {
      throw new IllegalArgumentException(
          "the Transaction was not given by this log's transaction(...); pass the tx your body"
              + " received from log.transaction on the same log");
    }
    caller.ensureActive();
    return caller.tx;
  }

  @Override
  public RecordMetadata send(ProducerRecord record) {
    return send(List.of(record)).get(0);
  }

  @Override
  public List<RecordMetadata> send(List<ProducerRecord> records) {
    ensureActive();
    if (records.isEmpty()) {
      return List.of();
    }
    try {
      return Arrays.asList(tx.append(context.encode(records)));
    } catch (SQLException e) {
      throw context.translate(e, "appending inside a transaction");
    }
  }

  @Override
  public long appendBatch(TopicPartition partition, byte[] batch) {
    ensureActive();
    StoredBatchAppend.Checked checked = StoredBatchAppend.check(context, partition, batch);
    try {
      return StoredBatchAppend.append(tx, checked);
    } catch (SQLException e) {
      throw context.translate(e, "appending a batch inside a transaction");
    }
  }

  @Override
  public int execute(String sql, Object... args) {
    ensureActive();
    try {
      guard.check(tx, sql);
      PreparedStatement statement = tx.statements().bound(sql, args);
      if (statement.execute()) {
        statement.getResultSet().close();
        return 0;
      }
      return statement.getUpdateCount();
    } catch (SQLException e) {
      throw failed(e, sql);
    }
  }

  @Override
  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
    ensureActive();
    try {
      guard.check(tx, sql);
      PreparedStatement statement = tx.statements().bound(sql, args);
      List<T> rows = new ArrayList<>();
      try (ResultSet rs = statement.executeQuery()) {
        Row row = new ResultSetRow(rs);
        while (rs.next()) {
          rows.add(mapper.map(row));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw failed(e, sql);
    }
  }

  @Override
  public void commitOffsets(
      ConsumerGroupMetadata member, Map<TopicPartition, OffsetAndMetadata> offsets) {
    ensureActive();
    try {
      OffsetCommits.commitAsMember(tx, member, offsets);
    } catch (SQLException e) {
      throw context.translate(e, "committing offsets of group " + member.groupId());
    }
  }

  @Override
  public void commitOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets) {
    ensureActive();
    try {
      OffsetCommits.commitWithoutMember(tx, groupId, offsets);
    } catch (SQLException e) {
      throw context.translate(e, "committing offsets of group " + groupId);
    }
  }

  private void ensureActive() {
    if (done) {
      throw new IllegalStateException(
          "this Transaction was used after its body returned; use it only inside the body");
    }
  }

  private RuntimeException failed(SQLException e, String sql) {
    tx.statements().invalidate(e); // sqlite-jdbc finalizes a statement whose step failed
    return new StorageException(
        "SQLite refused the statement ["
            + sql
            + "] in a transaction on "
            + context.options().path()
            + ": "
            + e.getMessage(),
        e);
  }

  /** A result set row as {@link Row}; SQLite's errors become {@link StorageException}. */
  private record ResultSetRow(ResultSet rs) implements Row {
    @Override
    public long getLong(int column) {
      try {
        return rs.getLong(column);
      } catch (SQLException e) {
        throw column(e, column);
      }
    }

    @Override
    public long getLong(String column) {
      try {
        return rs.getLong(column);
      } catch (SQLException e) {
        throw column(e, column);
      }
    }

    @Override
    public int getInt(int column) {
      try {
        return rs.getInt(column);
      } catch (SQLException e) {
        throw column(e, column);
      }
    }

    @Override
    public double getDouble(int column) {
      try {
        return rs.getDouble(column);
      } catch (SQLException e) {
        throw column(e, column);
      }
    }

    @Override
    public String getString(int column) {
      try {
        return rs.getString(column);
      } catch (SQLException e) {
        throw column(e, column);
      }
    }

    @Override
    public String getString(String column) {
      try {
        return rs.getString(column);
      } catch (SQLException e) {
        throw column(e, column);
      }
    }

    @Override
    public byte[] getBytes(int column) {
      try {
        return rs.getBytes(column);
      } catch (SQLException e) {
        throw column(e, column);
      }
    }

    @Override
    public boolean isNull(int column) {
      try {
        return rs.getObject(column) == null;
      } catch (SQLException e) {
        throw column(e, column);
      }
    }

    private static StorageException column(SQLException e, Object column) {
      return new StorageException("cannot read column " + column + ": " + e.getMessage(), e);
    }
  }
}
