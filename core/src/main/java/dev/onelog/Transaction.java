package dev.onelog;

import dev.onelog.group.ConsumerGroupMetadata;
import dev.onelog.group.OffsetAndMetadata;
import java.util.List;
import java.util.Map;

/**
 * One atomic unit of work on the log, given to the body of {@link OneLog#transaction}: records
 * sent, group offsets committed and the caller's own SQL run through it commit together, with one
 * fsync, or not at all. Consume-transform-produce is exactly-once inside one file: read records,
 * then in one transaction send the results, update your own tables and commit the consumer's
 * offsets.
 *
 * <pre>{@code
 * List<LogRecord> records = consumer.poll(Duration.ofSeconds(1));
 * log.transaction(tx -> {
 *   for (LogRecord r : records) {
 *     tx.send(ProducerRecord.of("totals", r.key(), transform(r.value())));
 *     tx.execute("INSERT INTO seen (id) VALUES (?)", r.keyAsString());
 *   }
 *   tx.commitOffsets(consumer.groupMetadata(), consumer.nextOffsets(records));
 * });
 * }</pre>
 *
 * <p>The body runs on the log's writer thread (or on the caller's own, holding the writer's turn,
 * when the writer was idle), inside the writer's group-commit transaction, in a SAVEPOINT of its
 * own: when it throws, everything it did is undone, the exception reaches the caller of {@code
 * transaction}, and the other writers' work in the same commit goes through. Keep it short: every
 * append of the log waits while it runs. Inside it:
 *
 * <ul>
 *   <li>use only this object to write; calling the log itself ({@code log.append}, {@code
 *       log.send}, {@code log.flush}, a nested {@code log.transaction}, a consumer's {@code
 *       commitSync}) throws {@link IllegalStateException}, since it would wait for itself;
 *   <li>{@link #execute} refuses statements that write onelog's own tables ({@code topics}, {@code
 *       partitions}, {@code log_*}, the group tables), that begin, commit or roll back transactions
 *       or savepoints, and {@code PRAGMA}, {@code ATTACH}, {@code DETACH} and {@code VACUUM};
 *   <li>the object is valid only while the body runs.
 * </ul>
 *
 * <p>Not thread-safe: use it on the thread that runs the body.
 */
public interface Transaction {
  /**
   * Appends a record now, inside the transaction: its offset is final once the transaction commits,
   * and a reader sees it only then.
   *
   * @throws UnknownTopicException listing the known topics
   * @throws RecordTooLargeException as {@link OneLog#send(ProducerRecord)}
   */
  RecordMetadata send(ProducerRecord record);

  /** Appends records now, in order; see {@link #send(ProducerRecord)}. */
  List<RecordMetadata> send(List<ProducerRecord> records);

  /**
   * Appends a Kafka record batch as it is, now, as {@link StoredBatches#append} does in the next
   * group commit; returns its base offset, final once the transaction commits.
   */
  long appendBatch(TopicPartition partition, byte[] batch);

  /**
   * Runs one SQL statement against the log's file, binding {@code args} to its {@code ?} parameters
   * in order ({@code null}, {@code Integer}, {@code Long}, {@code Double}, {@code String}, {@code
   * byte[]}, {@code Boolean}).
   *
   * @return the number of rows it changed
   * @throws IllegalArgumentException when it writes onelog's own tables or controls transactions
   * @throws StorageException when SQLite refuses it (a syntax error, a constraint), naming it
   */
  int execute(String sql, Object... args);

  /** Runs a query against the file, as {@link #execute} binds its arguments, mapping each row. */
  <T> List<T> query(String sql, RowMapper<T> mapper, Object... args);

  /**
   * Commits a group member's offsets in this transaction: the offset is the next one it will read
   * (the last processed offset + 1). Fenced as {@code commitSync} is: a partition the member no
   * longer holds fails the whole transaction body with {@link
   * dev.onelog.group.CommitFailedException}.
   */
  void commitOffsets(ConsumerGroupMetadata member, Map<TopicPartition, OffsetAndMetadata> offsets);

  /**
   * Commits offsets of a group that has no live member (a group used only to keep a checkpoint).
   *
   * @throws dev.onelog.group.GroupNotEmptyException when the group has live members, whose leases
   *     this would bypass: commit through a member instead
   */
  void commitOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets);

  /** Maps one row of a query's result. */
  @FunctionalInterface
  interface RowMapper<T> {
    T map(Row row);
  }

  /**
   * The body of a transaction without a result; see {@link OneLog#transaction(Work)}. It may throw
   * any exception, which is rethrown by {@code transaction} (a checked one wrapped in {@link
   * OneLogException}).
   */
  @FunctionalInterface
  interface Work {
    void run(Transaction tx) throws Exception;
  }

  /** The body of a transaction with a result; see {@link OneLog#transactionResult}. */
  @FunctionalInterface
  interface Callable<T> {
    T run(Transaction tx) throws Exception;
  }
}
