package dev.onelog;

import dev.onelog.eventstore.EventStore;
import dev.onelog.group.Groups;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.TopicCommands;
import dev.onelog.internal.backup.OnlineBackup;
import dev.onelog.internal.cleanup.CleanupCommands;
import dev.onelog.internal.read.LatestByKey;
import dev.onelog.internal.read.PartitionReader;
import dev.onelog.internal.read.TopicDescriptions;
import dev.onelog.internal.storage.TopicMeta;
import dev.onelog.internal.transaction.CallerTransaction;
import dev.onelog.internal.verify.Verifier;
import dev.onelog.internal.write.Partitioner;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * An event log in one SQLite file: topics of partitions of records, each record at an offset that
 * is never reused. Open one with {@link #open(Path)} or {@link #builder(Path)}; it creates the file
 * when missing.
 *
 * <pre>{@code
 * try (OneLog log = OneLog.open(Path.of("events.db"))) {
 *   log.createTopic(TopicSpec.named("orders").withPartitions(3));
 *   RecordMetadata stored = log.append(ProducerRecord.of("orders", "order-1", "created"));
 *   try (Consumer consumer = log.consumer("orders")) {
 *     List<LogRecord> records = consumer.poll(Duration.ofSeconds(1));
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safe: any thread may send, read and administer. Every write (appends, topic changes,
 * offset commits, {@link #transaction}s) goes through one writer thread that runs everything queued
 * as the steps of one transaction (group commit); {@link #send} returns at once with a future,
 * {@link #append} waits for the commit (and, finding the writer idle, commits on its own thread).
 * Several processes may open the same file: SQLite's lock serialises their writers, and readers see
 * every process's commits. An acknowledged write survives what its {@link Durability} promises.
 *
 * <p>Layers over the log are reached through it: {@link #groups()} for consumer groups, {@link
 * #eventStore()} for the event store.
 *
 * <p>{@link #close()} commits what was sent, closes every consumer and group member, and
 * checkpoints the WAL into the file; it is idempotent and always runs to the end. Every method but
 * {@code close} throws {@link LogClosedException} afterwards.
 */
public final class OneLog implements AutoCloseable {
  private final LogContext context;

  private OneLog(LogContext context) {
    this.context = context;
  }

  /** Opens the log at {@code path} with the default settings, creating the file when missing. */
  public static OneLog open(Path path) {
    return builder(path).open();
  }

  public static OneLogBuilder builder(Path path) {
    return new OneLogBuilder(path);
  }

  /** The log over an opened context; {@link OneLogBuilder#open()}'s. */
  static OneLog of(LogContext context) {
    return new OneLog(context);
  }

  public Path path() {
    return context.options().path();
  }

  public Durability durability() {
    return context.options().durability();
  }

  // ---- Topics ----

  /**
   * Creates a topic with its partitions.
   *
   * @throws InvalidTopicException when the name breaks Kafka's naming rule
   * @throws TopicExistsException when a topic of that name exists
   */
  public TopicDescription createTopic(TopicSpec spec) {
    Objects.requireNonNull(spec, "spec");
    TopicCommands.create(context, spec);
    return describeTopic(spec.name());
  }

  /**
   * Raises a topic's partition count to {@code totalPartitions}, as Kafka's CreatePartitions: the
   * new partitions start empty. Keyed records sent afterwards may go to another partition than
   * before (the partitioner takes the key modulo the count), as in Kafka. Consumer groups
   * subscribed to the topic rebalance to include them.
   *
   * @throws UnknownTopicException listing the known topics
   * @throws IllegalArgumentException when the count is not above the current one
   */
  public TopicDescription createPartitions(String topic, int totalPartitions) {
    TopicCommands.addPartitions(context, topic, totalPartitions);
    return describeTopic(topic);
  }

  /**
   * Changes a topic's cleanup policy, retention and compaction settings, as Kafka's
   * IncrementalAlterConfigs: {@code change} gets the current settings and returns the new ones,
   * e.g. {@code spec -> spec.withRetention(Duration.ofDays(1))}. Retention and compaction apply
   * them in their next slices. A topic that becomes compacted gets its key index built from its
   * records in the same transaction, and is refused when one has no key.
   *
   * @throws UnknownTopicException listing the known topics
   * @throws IllegalArgumentException when the change renames the topic or changes its partitions
   * @throws InvalidRecordException when the topic would compact but holds a record without a key
   */
  public TopicDescription alterTopic(String topic, UnaryOperator<TopicSpec> change) {
    Objects.requireNonNull(change, "change");
    TopicCommands.alter(context, topic, change);
    return describeTopic(topic);
  }

  /** The names of every topic, sorted. */
  public List<String> topics() {
    return context.read("listing topics", TopicDescriptions.names(context.catalog()));
  }

  /**
   * The topic's configuration and per partition its earliest and next offset, record count, bytes
   * and newest timestamp.
   *
   * @throws UnknownTopicException listing the known topics
   */
  public TopicDescription describeTopic(String name) {
    return context.read(
        "describing topic " + name, TopicDescriptions.describe(context.catalog(), name));
  }

  /**
   * Deletes the topic, every record in it and every consumer group's offsets and leases of it.
   *
   * @throws UnknownTopicException listing the known topics
   */
  public void deleteTopic(String name) {
    TopicCommands.delete(context, name);
  }

  /**
   * Deletes the partition's records below {@code offset}, as Kafka's DeleteRecords: its earliest
   * offset becomes exactly {@code offset}, even inside a batch, and no read returns a record below
   * it. Offsets are never reused. Returns the earliest offset afterwards (unchanged when it was
   * already at or above {@code offset}).
   *
   * @throws OffsetOutOfRangeException when {@code offset} is negative or past the next offset
   */
  public long deleteRecordsBefore(TopicPartition partition, long offset) {
    return CleanupCommands.deleteRecordsBefore(context, partition, offset);
  }

  /**
   * Runs retention, key compaction and incremental vacuum now, to the end of the log, in steps that
   * let appends through. They also run by themselves, in bounded slices after commits and when the
   * log is idle; this is {@code onelog compact}: compaction ignores the dirty ratio and the
   * compaction lag. Tombstones still stay for their delete retention.
   */
  public CleanupReport compact() {
    return CleanupCommands.compactNow(context, context.cleaner());
  }

  // ---- Appends ----

  /**
   * Queues a record and returns at once with a future of where it was stored. Blocks only while the
   * write queue is full (back-pressure). The future fails with {@link DiskFullException}, {@link
   * BusyTimeoutException} or {@link LogClosedException} when the commit does, each caller with an
   * exception of its own that names its partition.
   *
   * @throws UnknownTopicException listing the known topics
   * @throws UnknownPartitionException when the record names a partition the topic lacks
   * @throws RecordTooLargeException when key, value and headers exceed the maximum record size
   * @throws LogClosedException after {@link #close()}
   */
  public CompletableFuture<RecordMetadata> send(ProducerRecord record) {
    Objects.requireNonNull(record, "record");
    return context.writer().append(context.encoder().encode(record, context.topic(record.topic())));
  }

  /**
   * Queues records that commit together, in one transaction, or not at all: a reader never sees
   * some of them without the others. Throws as {@link #send(ProducerRecord)} does, before queueing
   * any of them.
   */
  public CompletableFuture<List<RecordMetadata>> send(List<ProducerRecord> records) {
    Objects.requireNonNull(records, "records");
    var writer = context.writer();
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return writer.append(context.encode(records));
  }

  /** Appends a record and waits until it is committed with the log's durability. */
  public RecordMetadata append(ProducerRecord record) {
    Objects.requireNonNull(record, "record");
    var writer = context.writer();
    return LogContext.await(
        writer.appendAndWait(context.encoder().encode(record, context.topic(record.topic()))));
  }

  /** Appends records atomically and waits until they are committed. */
  public List<RecordMetadata> append(List<ProducerRecord> records) {
    Objects.requireNonNull(records, "records");
    if (records.isEmpty()) {
      return List.of();
    }
    var writer = context.writer();
    return LogContext.await(writer.appendAndWait(context.encode(records)));
  }

  /** Waits until every write queued before this call has been committed or has failed. */
  public void flush() {
    LogContext.await(context.writer().barrier());
  }

  /**
   * Runs {@code work} as one atomic transaction that may send records, commit group offsets and run
   * SQL against the file (see {@link Transaction}), and returns once it committed with the log's
   * durability. When {@code work} throws, nothing it did is kept and its exception is rethrown.
   *
   * @throws IllegalStateException when called inside another transaction
   */
  public void transaction(Transaction.Work work) {
    Objects.requireNonNull(work, "work");
    transactionResult(
        tx -> {
          work.run(tx);
          return null;
        });
  }

  /** As {@link #transaction(Transaction.Work)}, returning what {@code work} returned. */
  public <T> T transactionResult(Transaction.Callable<T> work) {
    return LogContext.await(CallerTransaction.submit(context, work, true));
  }

  /**
   * As {@link #transactionResult}, without waiting: the future completes with what {@code work}
   * returned once the transaction committed, or with its exception (nothing of it kept). For
   * servers that must not hold a thread per transaction.
   */
  public <T> CompletableFuture<T> transactionAsync(Transaction.Callable<T> work) {
    return CallerTransaction.submit(context, work, false);
  }

  // ---- Reads ----

  /**
   * Records of one partition from {@code fromOffset} on, in offset order, within the limit. An
   * offset below the earliest starts at the earliest; at or past the next offset, the list is
   * empty.
   *
   * @throws CorruptRecordException when a batch of records does not match its CRC or does not
   *     decode
   */
  public List<LogRecord> read(TopicPartition partition, long fromOffset, ReadLimit limit) {
    Objects.requireNonNull(limit, "limit");
    return context.read(
        "reading " + partition,
        session ->
            PartitionReader.read(
                session,
                context.partitionTopic(partition, session),
                partition.partition(),
                fromOffset,
                limit));
  }

  /**
   * Visits the records {@link #read} would return, in order, as views of the stored batches rather
   * than copies: for scans that look at each record once (an encoder, a checksum, a filter). The
   * visitor runs on this thread inside the read and must not call this log; a view is valid only
   * while it is visited. Returns how many records were visited.
   *
   * @throws CorruptRecordException as {@link #read} does
   */
  public int scan(
      TopicPartition partition,
      long fromOffset,
      ReadLimit limit,
      java.util.function.Consumer<? super RecordView> visitor) {
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(visitor, "visitor");
    return context.read(
        "reading " + partition,
        session ->
            PartitionReader.scan(
                session,
                context.partitionTopic(partition, session),
                partition.partition(),
                fromOffset,
                limit,
                visitor));
  }

  /** The first offset still stored in the partition (equal to the next offset when it is empty). */
  public long earliestOffset(TopicPartition partition) {
    return state(partition).logStartOffset();
  }

  /** The offset the next record appended to the partition will get: the high-water mark. */
  public long nextOffset(TopicPartition partition) {
    return state(partition).nextOffset();
  }

  private PartitionReader.PartitionState state(TopicPartition partition) {
    return context.read(
        "reading " + partition,
        session ->
            PartitionReader.state(
                session, context.partitionTopic(partition, session), partition.partition()));
  }

  /**
   * The record with the largest timestamp in the partition (the lowest offset among equals), as
   * Kafka's ListOffsets answers for its "max timestamp"; empty when the partition is empty.
   */
  public Optional<RecordMetadata> largestTimestamp(TopicPartition partition) {
    return context.read(
        "searching " + partition + " for its largest timestamp",
        session -> {
          TopicMeta topic = context.partitionTopic(partition, session);
          long start =
              PartitionReader.state(session, topic, partition.partition()).logStartOffset();
          long[] found =
              PartitionReader.largestTimestamp(session, topic, partition.partition(), start);
          return found == null
              ? Optional.<RecordMetadata>empty()
              : Optional.of(
                  new RecordMetadata(partition.topic(), partition.partition(), found[0], found[1]));
        });
  }

  /**
   * Calls {@code listener} after each commit of this log's writer (appends, topic changes, offset
   * commits), on the thread that committed (the writer's, or a synchronous appender's own when the
   * writer was idle), so it must return at once: hand any work to another thread. For servers that
   * park readers without a thread each (onelog's Kafka server parks its fetches so); commits of
   * other processes are not seen, so look again on a timer too. {@code close()} on the handle
   * removes the listener; a listener that throws is not called again.
   */
  public AutoCloseable onCommit(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    context.ensureOpen();
    return context.signal().listen(listener);
  }

  /** The first offset whose record's timestamp is at or after {@code time}; empty when none is. */
  public OptionalLong offsetForTimestamp(TopicPartition partition, Instant time) {
    return context.read(
        "searching " + partition + " by time",
        session ->
            PartitionReader.offsetForTimestamp(
                session,
                context.partitionTopic(partition, session),
                partition.partition(),
                time.toEpochMilli()));
  }

  /**
   * The newest record of {@code key} in a compacted topic, from the partition the key is sent to
   * (Kafka's partitioner); empty when there is none or it is a tombstone. Costs two index lookups
   * whatever the log's length.
   *
   * @throws IllegalArgumentException when the topic does not compact
   */
  public Optional<LogRecord> latest(String topic, byte[] key) {
    Objects.requireNonNull(key, "key");
    TopicMeta meta = context.topic(topic);
    return latest(new TopicPartition(topic, Partitioner.forKey(key, meta.partitions())), key);
  }

  /** As {@link #latest(String, byte[])}, in the given partition. */
  public Optional<LogRecord> latest(TopicPartition partition, byte[] key) {
    Objects.requireNonNull(key, "key");
    return context.read(
        "reading the latest record of a key in " + partition,
        session ->
            LatestByKey.read(
                session, context.partitionTopic(partition, session), partition.partition(), key));
  }

  /** A consumer of every partition of the topic, positioned at each partition's earliest offset. */
  public Consumer consumer(String topic) {
    int partitions = context.topic(topic).partitions();
    List<TopicPartition> assignment = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      assignment.add(new TopicPartition(topic, p));
    }
    return consumer(assignment);
  }

  /**
   * A consumer of the given partitions, positioned at each one's earliest offset. For consumers
   * that share a topic's partitions and commit their progress, see {@link #groups()}.
   */
  public Consumer consumer(Collection<TopicPartition> partitions) {
    context.ensureOpen();
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("a consumer needs at least one partition");
    }
    context.read(
        "opening a consumer",
        session -> {
          for (TopicPartition partition : partitions) {
            context.partitionTopic(partition, session);
          }
          return null;
        });
    return new Consumer(context, List.copyOf(partitions));
  }

  // ---- Layers ----

  /** Consumer groups on this log: members that share partitions, committed offsets, lag. */
  public Groups groups() {
    return Groups.of(context);
  }

  /** The log's batches as stored, Kafka record batches: for code that speaks Kafka's formats. */
  public StoredBatches batches() {
    return new StoredBatches(context);
  }

  /** The event store on this log: streams, global order, subscriptions, projections, snapshots. */
  public EventStore eventStore() {
    return EventStore.of(context);
  }

  // ---- The file ----

  /**
   * Checks every batch's CRC32C and layout, every partition's offsets and counters, and SQLite's
   * integrity_check, in one consistent snapshot taken without blocking writers. Damage it can read
   * past, malformed pages of a partition's tables included, is reported, not thrown.
   *
   * @throws CorruptRecordException when the topics table itself cannot be read, so that no
   *     partition can be found to check
   */
  public VerifyReport verify() {
    return context.read("verifying", session -> Verifier.verify(session, context.catalog()));
  }

  /** The size of the database in bytes (pages in use and free), excluding the -wal file. */
  public long fileSizeBytes() {
    return context.read("measuring the file", TopicDescriptions::fileSizeBytes);
  }

  /**
   * Copies the log as it is now to a new file while writers here and in other processes go on: the
   * copy is a log of its own that passes {@link #verify()}. Works when opened read-only too. See
   * docs/BACKUP.md.
   *
   * @throws FileAccessException when {@code destination} exists, is this log's file, or its
   *     directory is missing; nothing is left at {@code destination} when the backup fails
   */
  public BackupResult backup(Path destination) {
    return backup(destination, BackupOptions.defaults());
  }

  /** As {@link #backup(Path)}, reporting progress or replacing an existing file atomically. */
  public BackupResult backup(Path destination, BackupOptions options) {
    return OnlineBackup.run(context, destination, options);
  }

  /**
   * Commits everything sent, closes every consumer and group member of this log, checkpoints the
   * WAL into the file and releases it. Idempotent; always runs to the end, throwing the first
   * failure afterwards.
   */
  @Override
  public void close() {
    context.close();
  }
}
