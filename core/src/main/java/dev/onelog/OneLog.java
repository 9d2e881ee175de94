package dev.onelog;

import dev.onelog.internal.LogOptions;
import dev.onelog.internal.read.PartitionReader;
import dev.onelog.internal.read.PartitionReader.PartitionState;
import dev.onelog.internal.read.ReadPool;
import dev.onelog.internal.storage.FileOpener;
import dev.onelog.internal.storage.SqliteErrors;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.storage.TopicMeta;
import dev.onelog.internal.verify.Verifier;
import dev.onelog.internal.write.CommitSignal;
import dev.onelog.internal.write.EncodedRecord;
import dev.onelog.internal.write.RecordEncoder;
import dev.onelog.internal.write.Writer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

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
 * <p>Thread-safe: any thread may send, read and administer. Appends from every thread go through
 * one writer thread that commits everything queued in one transaction (group commit); {@link #send}
 * returns at once with a future, {@link #append} waits for the commit. Several processes may open
 * the same file: SQLite's lock serialises their writers, and readers see every process's commits.
 * An acknowledged append survives what its {@link Durability} promises.
 *
 * <p>{@link #close()} commits what was sent, closes every consumer and checkpoints the WAL into the
 * file; it is idempotent. Every method but {@code close} throws {@link LogClosedException}
 * afterwards.
 */
public final class OneLog implements AutoCloseable {
  private final LogOptions options;
  private final TopicCatalog catalog = new TopicCatalog();
  private final CommitSignal signal = new CommitSignal();
  private final RecordEncoder encoder;
  private final ReadPool readers;
  private final ReaderSessions sessions;
  private final Writer writer;
  private final Set<Consumer> consumers = ConcurrentHashMap.newKeySet();

  /** Set once, by the first close(); later calls return at once. */
  private final java.util.concurrent.atomic.AtomicBoolean closing =
      new java.util.concurrent.atomic.AtomicBoolean();

  private volatile boolean closed;

  /** Null when the log was opened read-only. */
  private OneLog(LogOptions options, Connection writerConnection) {
    this.options = options;
    this.encoder = new RecordEncoder(options.clock(), options.maxRecordSizeBytes());
    this.readers = new ReadPool(options.path(), options.busyTimeout());
    this.sessions = new ReaderSessions(readers, catalog, options);
    if (writerConnection == null) {
      this.writer = null;
    } else {
      this.writer = new Writer(options, writerConnection, signal, catalog::evict);
      this.writer.start();
    }
  }

  /** Opens the log at {@code path} with the default settings, creating the file when missing. */
  public static OneLog open(Path path) {
    return builder(path).open();
  }

  public static Builder builder(Path path) {
    return new Builder(path);
  }

  public Path path() {
    return options.path();
  }

  public Durability durability() {
    return options.durability();
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
    await(
        writer()
            .admin(
                c -> TopicCatalog.create(c, spec, options.clock().millis()),
                "creating topic " + spec.name()));
    return describeTopic(spec.name());
  }

  /** The names of every topic, sorted. */
  public List<String> topics() {
    return withReader(
        "listing topics",
        session -> catalog.list(session.connection()).stream().map(TopicMeta::name).toList());
  }

  /**
   * The topic's configuration and per partition its earliest and next offset, record count, bytes
   * and newest timestamp.
   *
   * @throws UnknownTopicException listing the known topics
   */
  public TopicDescription describeTopic(String name) {
    return withReader(
        "describing topic " + name,
        session -> {
          TopicMeta topic = catalog.require(name, session.connection());
          List<PartitionDescription> partitions = new ArrayList<>(topic.partitions());
          for (int p = 0; p < topic.partitions(); p++) {
            PartitionState state = PartitionReader.state(session, topic, p);
            partitions.add(
                new PartitionDescription(
                    p,
                    state.logStartOffset(),
                    state.nextOffset(),
                    state.recordCount(),
                    state.sizeBytes(),
                    PartitionReader.lastTimestampMs(session, topic, p)));
          }
          return new TopicDescription(topic.spec(), topic.createdAtMs(), List.copyOf(partitions));
        });
  }

  /**
   * Deletes the topic and every record in it.
   *
   * @throws UnknownTopicException listing the known topics
   */
  public void deleteTopic(String name) {
    ensureOpen();
    try {
      await(
          writer()
              .admin(
                  c -> {
                    catalog.delete(c, name);
                    return null;
                  },
                  "deleting topic " + name));
    } finally {
      catalog.evict(name);
    }
  }

  // ---- Appends ----

  /**
   * Queues a record and returns at once with a future of where it was stored. Blocks only while the
   * write queue is full (back-pressure). The future fails with {@link DiskFullException}, {@link
   * BusyTimeoutException} or {@link LogClosedException} when the commit does.
   *
   * @throws UnknownTopicException listing the known topics
   * @throws UnknownPartitionException when the record names a partition the topic lacks
   * @throws RecordTooLargeException when key, value and headers exceed the maximum record size
   * @throws LogClosedException after {@link #close()}
   */
  public CompletableFuture<RecordMetadata> send(ProducerRecord record) {
    Objects.requireNonNull(record, "record");
    Writer w = writer();
    return w.append(encoder.encode(record, topic(record.topic())));
  }

  /**
   * Queues records that commit together, in one transaction, or not at all: a reader never sees
   * some of them without the others. Throws as {@link #send(ProducerRecord)} does, before queueing
   * any of them.
   */
  public CompletableFuture<List<RecordMetadata>> send(List<ProducerRecord> records) {
    Objects.requireNonNull(records, "records");
    Writer w = writer();
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    EncodedRecord[] encoded = new EncodedRecord[records.size()];
    for (int i = 0; i < encoded.length; i++) {
      ProducerRecord record = records.get(i);
      encoded[i] = encoder.encode(record, topic(record.topic()));
    }
    return w.append(encoded);
  }

  /** Appends a record and waits until it is committed with the log's durability. */
  public RecordMetadata append(ProducerRecord record) {
    return await(send(record));
  }

  /** Appends records atomically and waits until they are committed. */
  public List<RecordMetadata> append(List<ProducerRecord> records) {
    return await(send(records));
  }

  /** Waits until every record sent before this call has been committed or has failed. */
  public void flush() {
    await(writer().barrier());
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
    return withReader(
        "reading " + partition,
        session ->
            PartitionReader.read(
                session,
                partitionTopic(partition, session),
                partition.partition(),
                fromOffset,
                limit));
  }

  /** The first offset still stored in the partition (equal to the next offset when it is empty). */
  public long earliestOffset(TopicPartition partition) {
    return withReader(
        "reading " + partition,
        session ->
            PartitionReader.state(
                    session, partitionTopic(partition, session), partition.partition())
                .logStartOffset());
  }

  /** The offset the next record appended to the partition will get: the high-water mark. */
  public long nextOffset(TopicPartition partition) {
    return withReader(
        "reading " + partition,
        session ->
            PartitionReader.state(
                    session, partitionTopic(partition, session), partition.partition())
                .nextOffset());
  }

  /** The first offset whose record's timestamp is at or after {@code time}; empty when none is. */
  public OptionalLong offsetForTimestamp(TopicPartition partition, Instant time) {
    return withReader(
        "searching " + partition + " by time",
        session ->
            PartitionReader.offsetForTimestamp(
                session,
                partitionTopic(partition, session),
                partition.partition(),
                time.toEpochMilli()));
  }

  /** A consumer of every partition of the topic, positioned at each partition's earliest offset. */
  public Consumer consumer(String topic) {
    int partitions =
        withReader(
            "opening a consumer",
            session -> catalog.require(topic, session.connection()).partitions());
    List<TopicPartition> assignment = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      assignment.add(new TopicPartition(topic, p));
    }
    return consumer(assignment);
  }

  /** A consumer of the given partitions, positioned at each one's earliest offset. */
  public Consumer consumer(Collection<TopicPartition> partitions) {
    ensureOpen();
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("a consumer needs at least one partition");
    }
    withReader(
        "opening a consumer",
        session -> {
          for (TopicPartition partition : partitions) {
            partitionTopic(partition, session);
          }
          return null;
        });
    Consumer consumer = new Consumer(this, List.copyOf(partitions));
    consumers.add(consumer);
    if (closed) {
      consumer.close();
      throw closedException();
    }
    return consumer;
  }

  // ---- The file ----

  /**
   * Checks every batch's CRC32C and layout, every partition's offsets and counters, and SQLite's
   * integrity_check, in one consistent snapshot taken without blocking writers.
   */
  public VerifyReport verify() {
    return withReader("verifying", session -> Verifier.verify(session, catalog));
  }

  /** The size of the database in bytes (pages in use and free), excluding the -wal file. */
  public long fileSizeBytes() {
    return withReader(
        "measuring the file",
        session -> {
          try (Statement s = session.connection().createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  /**
   * Commits everything sent, closes every consumer of this log, checkpoints the WAL into the file
   * and releases it. Idempotent.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    closed = true;
    for (Consumer consumer : List.copyOf(consumers)) {
      consumer.close();
    }
    try {
      readers.close();
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, options.path(), options.busyTimeout(), "closing readers");
    } finally {
      if (writer != null) {
        writer.close();
      }
    }
  }

  // ---- For Consumer ----

  TopicCatalog catalog() {
    return catalog;
  }

  CommitSignal signal() {
    return signal;
  }

  LogOptions options() {
    return options;
  }

  ReadPool readers() {
    return readers;
  }

  void forget(Consumer consumer) {
    consumers.remove(consumer);
  }

  void ensureOpen() {
    if (closed) {
      throw closedException();
    }
  }

  LogClosedException closedException() {
    return new LogClosedException(
        "the log " + options.path() + " is closed; open it again to use it");
  }

  /** The topic of a partition, checking that the partition exists. */
  TopicMeta partitionTopic(TopicPartition partition, StatementCache session) throws SQLException {
    TopicMeta topic = catalog.require(partition.topic(), session.connection());
    TopicCatalog.requirePartition(topic, partition.partition());
    return topic;
  }

  // ---- Internals ----

  /**
   * @throws FileAccessException when the log was opened read-only
   */
  private Writer writer() {
    ensureOpen();
    if (writer == null) {
      throw new FileAccessException(
          "the log "
              + options.path()
              + " was opened read-only; open it without"
              + " readOnly() to append or change topics");
    }
    return writer;
  }

  private TopicMeta topic(String name) {
    TopicMeta meta = catalog.cached(name);
    if (meta != null) {
      return meta;
    }
    return withReader(
        "looking up topic " + name, session -> catalog.require(name, session.connection()));
  }

  /** Runs {@code work} on a pooled read connection, translating SQLite's errors. */
  <T> T withReader(String doing, ReaderSessions.SqlWork<T> work) {
    ensureOpen();
    return sessions.run(doing, work);
  }

  /** Waits for a future of ours, rethrowing its failure as it was thrown on the writer thread. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OneLogException("interrupted while waiting for a commit; it may still complete", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new OneLogException(cause.toString(), cause);
    }
  }

  /**
   * Settings for opening a log. Each setter checks its value at once and names what is accepted.
   */
  public static final class Builder {
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

    /** The clock that stamps records sent without a timestamp; default the system's UTC clock. */
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
     * about three full group commits of small records. Measured: a 64 MiB queue kept so many
     * records alive that young collections copied them over and over, and cost more CPU per record
     * than the writer thread (docs/BENCHMARKS.md).
     */
    public Builder maxQueuedBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxQueuedBytes must be at least 1024, was " + bytes);
      }
      this.maxQueuedBytes = bytes;
      return this;
    }

    /**
     * Opens an existing log for reading only, as a file you may not or must not write (a backup, a
     * read-only mount): no writer thread, no write lock, nothing ever written; reads and consumers
     * work as usual and see other processes' commits. Appending or changing topics throws {@link
     * FileAccessException}. A missing file is an error, not created.
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
     * Opens the log, creating the file when missing (unless {@link #readOnly()}). A file of the
     * previous format (1) is upgraded in place to the current one, in one transaction that holds
     * the write lock for as long as it takes to rewrite every record (seconds per GiB) and needs
     * free disk space about the size of the file until it commits; any failure leaves the file as
     * it was.
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
      LogOptions options =
          new LogOptions(
              path,
              durability,
              maxRecordSizeBytes,
              busyTimeout,
              clock,
              maxFileSizeBytes,
              maxQueuedBytes,
              readOnly);
      if (readOnly) {
        FileOpener.checkReadable(options);
        return new OneLog(options, null);
      }
      Connection connection = FileOpener.openWriter(options);
      try {
        return new OneLog(options, connection);
      } catch (RuntimeException e) {
        try {
          connection.close();
        } catch (SQLException closeFailure) {
          e.addSuppressed(closeFailure);
        }
        throw e;
      }
    }
  }
}
