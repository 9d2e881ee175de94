package dev.onelog;

import dev.onelog.group.Groups;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.LogOptions;
import dev.onelog.internal.read.PartitionReader;
import dev.onelog.internal.read.TopicDescriptions;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.transaction.CallerTransaction;
import dev.onelog.internal.verify.Verifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

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
 * {@link #append} waits for the commit. Several processes may open the same file: SQLite's lock
 * serialises their writers, and readers see every process's commits. An acknowledged write survives
 * what its {@link Durability} promises.
 *
 * <p>Layers over the log are reached through it: {@link #groups()} for consumer groups.
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

  public static Builder builder(Path path) {
    return new Builder(path);
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
    long nowMs = context.options().clock().millis();
    LogContext.await(
        context
            .writer()
            .submit(
                tx -> {
                  tx.schemaChanged();
                  return TopicCatalog.create(tx.connection(), spec, nowMs);
                },
                "creating topic " + spec.name()));
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
    LogContext.await(
        context
            .writer()
            .submit(
                tx -> {
                  tx.schemaChanged();
                  tx.afterCommit(() -> context.catalog().evict(topic));
                  return context.catalog().addPartitions(tx.connection(), topic, totalPartitions);
                },
                "adding partitions to topic " + topic));
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
    try {
      LogContext.await(
          context
              .writer()
              .submit(
                  tx -> {
                    tx.schemaChanged();
                    context.catalog().delete(tx.connection(), name);
                    return null;
                  },
                  "deleting topic " + name));
    } finally {
      context.catalog().evict(name);
    }
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
    return LogContext.await(send(record));
  }

  /** Appends records atomically and waits until they are committed. */
  public List<RecordMetadata> append(List<ProducerRecord> records) {
    return LogContext.await(send(records));
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
    Objects.requireNonNull(work, "work");
    return LogContext.await(
        context
            .writer()
            .submit(tx -> CallerTransaction.run(context, tx, work), "running a transaction"));
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

  // ---- The file ----

  /**
   * Checks every batch's CRC32C and layout, every partition's offsets and counters, and SQLite's
   * integrity_check, in one consistent snapshot taken without blocking writers.
   */
  public VerifyReport verify() {
    return context.read("verifying", session -> Verifier.verify(session, context.catalog()));
  }

  /** The size of the database in bytes (pages in use and free), excluding the -wal file. */
  public long fileSizeBytes() {
    return context.read("measuring the file", TopicDescriptions::fileSizeBytes);
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

  /**
   * Settings for opening a log. Each setter checks its value at once and names what is accepted.
   */
  public static final class Builder {
    /** The largest write queue accepted, so that its byte budget fits a semaphore twice over. */
    static final int MAX_QUEUED_BYTES = 1 << 30;

    private final Path path;
    private Durability durability = Durability.FSYNC;
    private int maxRecordSizeBytes = 1 << 20;
    private Duration busyTimeout = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();
    private long maxFileSizeBytes;
    private int maxQueuedBytes = 8 << 20;
    private boolean readOnly;

    private Builder(Path path) {
      this.path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
    }

    /** {@link Durability#FSYNC} (the default) or {@link Durability#NORMAL}. */
    public Builder durability(Durability value) {
      this.durability = Objects.requireNonNull(value, "durability");
      return this;
    }

    /** The largest record accepted, counting key, value and headers; default 1 MiB. */
    public Builder maxRecordSizeBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxRecordSizeBytes < 1: " + bytes);
      }
      this.maxRecordSizeBytes = bytes;
      return this;
    }

    /** How long a write waits for another process's write lock before failing; default 5 s. */
    public Builder busyTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("busyTimeout < 0: " + timeout);
      }
      this.busyTimeout = timeout;
      return this;
    }

    /**
     * The clock that stamps records sent without a timestamp, group heartbeats and commits; default
     * the system's UTC clock.
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * A cap on the file's size (SQLite's max_page_count): appends past it fail with {@link
     * DiskFullException}, as on a full disk. 0, the default, means no cap.
     */
    public Builder maxFileSizeBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxFileSizeBytes < 0: " + bytes);
      }
      this.maxFileSizeBytes = bytes;
      return this;
    }

    /**
     * How many bytes of records may wait for the writer before {@code send} blocks; default 8 MiB,
     * about three full group commits of small records; 1 KiB to 1 GiB. Measured: a 64 MiB queue
     * kept so many records alive that young collections copied them over and over, and cost more
     * CPU per record than the writer thread (docs/BENCHMARKS.md).
     */
    public Builder maxQueuedBytes(int bytes) {
      if (bytes < 1024 || bytes > MAX_QUEUED_BYTES) {
        throw new IllegalArgumentException(
            "maxQueuedBytes must be 1024 to " + MAX_QUEUED_BYTES + " (1 GiB), was " + bytes);
      }
      this.maxQueuedBytes = bytes;
      return this;
    }

    /**
     * Opens an existing log for reading only, as a file you may not or must not write (a backup, a
     * read-only mount): no writer thread, no write lock, nothing ever written; reads and consumers
     * work as usual and see other processes' commits. Appending, changing topics and joining groups
     * throw {@link FileAccessException}. A missing file is an error, not created.
     *
     * <p>A read-only connection cannot checkpoint: when a read-only log is the last to close the
     * file, committed records stay in the {@code -wal} file beside it (safe, and read by every
     * opener) until a writer opens and closes the file again. Copy all three files, or open
     * read-write, when the file must stand alone.
     *
     * <p>A file of an older format is refused with {@link OlderFormatException}, since upgrading it
     * would write: open it once without {@code readOnly()} to upgrade it.
     */
    public Builder readOnly() {
      this.readOnly = true;
      return this;
    }

    /**
     * Opens the log, creating the file when missing (unless {@link #readOnly()}). A file of an
     * older format is upgraded in place to the current one, in one transaction; from format 1 that
     * holds the write lock for as long as it takes to rewrite every record (seconds per GiB) and
     * needs free disk space about the size of the file until it commits; any failure leaves the
     * file as it was.
     *
     * @throws FileAccessException when the directory is missing or the file is read-only
     * @throws NotAOneLogFileException when the file is another SQLite database or not SQLite
     * @throws NewerFormatException when the file is of a newer format than this code reads
     * @throws OlderFormatException when the file is of an older format and opened {@link
     *     #readOnly()}, which cannot upgrade it
     * @throws CorruptRecordException when upgrading an older file finds a record that does not
     *     match its CRC; the file is left as it was
     */
    public OneLog open() {
      return new OneLog(
          LogContext.open(
              new LogOptions(
                  path,
                  durability,
                  maxRecordSizeBytes,
                  busyTimeout,
                  clock,
                  maxFileSizeBytes,
                  maxQueuedBytes,
                  readOnly)));
    }
  }
}
