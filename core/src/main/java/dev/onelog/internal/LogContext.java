package dev.onelog.internal;

import dev.onelog.FileAccessException;
import dev.onelog.LogClosedException;
import dev.onelog.OneLogException;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicPartition;
import dev.onelog.internal.cleanup.Cleaner;
import dev.onelog.internal.read.ReadPool;
import dev.onelog.internal.read.ReaderSessions;
import dev.onelog.internal.storage.FileOpener;
import dev.onelog.internal.storage.FileSetup;
import dev.onelog.internal.storage.SqliteErrors;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.storage.TopicMeta;
import dev.onelog.internal.wake.WakeUp;
import dev.onelog.internal.write.CommitSignal;
import dev.onelog.internal.write.EncodedRecord;
import dev.onelog.internal.write.RecordEncoder;
import dev.onelog.internal.write.Writer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The wiring of one open log, handed to {@code OneLog}, its consumers and the layers over it
 * (groups, later the event store) instead of the log itself: options, the topic catalog, the
 * writer, the read pool, the commit signal, the wake file, and the close order.
 *
 * <p>Close order: consumers and group members first, while the log still works for them (a member
 * leaves its group through the writer), then the log refuses new calls, then layers in the reverse
 * order of their creation, then the read pool, then the writer, which commits what is queued and
 * checkpoints the WAL with the last connection, then the wake file (the writer announces its last
 * commits). Closing always runs every stage, even when one throws; the first failure is thrown at
 * the end with the others suppressed.
 *
 * <p>Thread-safe. {@code attached} and {@code layers} are concurrent or guarded by this.
 */
public final class LogContext {
  private final LogOptions options;
  private final TopicCatalog catalog;
  private final CommitSignal signal;
  private final RecordEncoder encoder;
  private final ReadPool readers;
  private final ReaderSessions sessions;
  private final WakeUp wakeUp;

  /** Null when the log was opened read-only. */
  private final Writer writer;

  /** Retention and compaction, scheduled on the writer; null when the log was opened read-only. */
  private final Cleaner cleaner;

  /** Consumers and group members of this log, closed first. */
  private final Set<AutoCloseable> attached = ConcurrentHashMap.newKeySet();

  /** Layers by type, in creation order; guarded by this. */
  private final Map<Class<?>, AutoCloseable> layers = new LinkedHashMap<>();

  /** Set once, by the first close(); later calls return at once. */
  private final AtomicBoolean closing = new AtomicBoolean();

  private volatile boolean closed;

  private LogContext(LogOptions options, TopicCatalog catalog, CommitSignal signal, Writer writer) {
    this.options = options;
    this.catalog = catalog;
    this.signal = signal;
    this.encoder = new RecordEncoder(options.clock(), options.maxRecordSizeBytes());
    this.readers = new ReadPool(options.path(), options.busyTimeout());
    this.sessions = new ReaderSessions(readers, catalog, options);
    this.writer = writer;
    this.cleaner = writer == null ? null : new Cleaner();
    // Announces the writer's commits through CommitSignal's listeners, not from inside Writer: it
    // is
    // one more listener, told after every commit on the writer thread.
    this.wakeUp = WakeUp.open(options.path(), signal, writer != null);
  }

  /**
   * Opens the file: checks it, creates or upgrades it (the writer's first step), and starts the
   * writer. Closes what it opened when it fails.
   */
  public static LogContext open(LogOptions options) {
    if (options.readOnly()) {
      FileOpener.checkReadable(options);
      return new LogContext(options, new TopicCatalog(), new CommitSignal(), null);
    }
    TopicCatalog catalog = new TopicCatalog();
    CommitSignal signal = new CommitSignal();
    Connection connection = FileOpener.openWriter(options);
    Writer writer;
    try {
      writer = new Writer(options, connection, signal, catalog::evict);
    } catch (RuntimeException e) {
      try {
        connection.close();
      } catch (SQLException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
    LogContext context = new LogContext(options, catalog, signal, writer);
    writer.start();
    try {
      await(
          writer.submit(
              tx -> {
                FileSetup.run(tx.connection(), options);
                tx.schemaChanged();
                return null;
              },
              "setting up the file"));
    } catch (RuntimeException e) {
      try {
        writer.close();
      } catch (RuntimeException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      context.wakeUp.close();
      throw e;
    }
    writer.schedule(context.cleaner);
    return context;
  }

  public LogOptions options() {
    return options;
  }

  public TopicCatalog catalog() {
    return catalog;
  }

  public CommitSignal signal() {
    return signal;
  }

  /** The wake file, through which other processes' commits wake this process's consumers. */
  public WakeUp wakeUp() {
    return wakeUp;
  }

  public RecordEncoder encoder() {
    return encoder;
  }

  public ReadPool readers() {
    return readers;
  }

  /**
   * The writer.
   *
   * @throws LogClosedException after close
   * @throws FileAccessException when the log was opened read-only
   * @throws IllegalStateException on the writer thread itself (inside a transaction or a step),
   *     where waiting for the writer would wait forever
   */
  public Writer writer() {
    ensureOpen();
    if (writer == null) {
      throw new FileAccessException(
          "the log "
              + options.path()
              + " was opened read-only; open it without"
              + " readOnly() to append or change topics");
    }
    if (writer.isWriterThread()) {
      throw new IllegalStateException(
          "called on the log's writer thread, inside log.transaction or a step of its own: the"
              + " call would wait for itself. Inside a transaction use the Transaction it was"
              + " given (tx.send, tx.execute, tx.commitOffsets)");
    }
    return writer;
  }

  /**
   * Retention and compaction, for callers that run them now.
   *
   * @throws FileAccessException when the log was opened read-only
   */
  public Cleaner cleaner() {
    writer(); // the same checks: open, writable, not on the writer thread
    return cleaner;
  }

  /** Runs {@code work} on a pooled read connection, translating SQLite's errors. */
  public <T> T read(String doing, ReaderSessions.SqlWork<T> work) {
    ensureOpen();
    return sessions.run(doing, work);
  }

  /**
   * Encodes records for the writer on the calling thread (partition, timestamp, headers, size).
   *
   * @throws dev.onelog.UnknownTopicException listing the known topics
   * @throws dev.onelog.RecordTooLargeException when a record is over the maximum size
   */
  public EncodedRecord[] encode(List<ProducerRecord> records) {
    EncodedRecord[] encoded = new EncodedRecord[records.size()];
    TopicMeta topic = null; // records of one send usually share a topic: look it up once
    for (int i = 0; i < encoded.length; i++) {
      ProducerRecord record = records.get(i);
      if (topic == null || !topic.name().equals(record.topic())) {
        topic = topic(record.topic());
      }
      encoded[i] = encoder.encode(record, topic);
    }
    return encoded;
  }

  /** The topic, from the cache or the file. */
  public TopicMeta topic(String name) {
    TopicMeta meta = catalog.cached(name);
    if (meta != null) {
      return meta;
    }
    return read("looking up topic " + name, session -> catalog.require(name, session.connection()));
  }

  /** The topic of a partition, checking that the partition exists. */
  public TopicMeta partitionTopic(TopicPartition partition, StatementCache session)
      throws SQLException {
    TopicMeta topic = catalog.require(partition.topic(), session.connection());
    TopicCatalog.requirePartition(topic, partition.partition());
    return topic;
  }

  public void ensureOpen() {
    if (closed) {
      throw closedException();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  public LogClosedException closedException() {
    return new LogClosedException(
        "the log " + options.path() + " is closed; open it again to use it");
  }

  /**
   * The writer, for a layer's close: the log refuses new calls by then, but the writer still runs
   * until every layer is closed. Null when the log was opened read-only.
   */
  public Writer writerWhileClosing() {
    return writer;
  }

  /** Registers a consumer or member, closed before the rest when the log closes. */
  public void attach(AutoCloseable consumer) {
    attached.add(consumer);
    if (closing.get()) {
      attached.remove(consumer);
      throw closedException();
    }
  }

  public void detach(AutoCloseable consumer) {
    attached.remove(consumer);
  }

  /** The layer of that type, created on first use; closed with the log. */
  public synchronized <T extends AutoCloseable> T layer(
      Class<T> type, Function<LogContext, T> create) {
    AutoCloseable layer = layers.get(type);
    if (layer == null) {
      layer = create.apply(this);
      layers.put(type, layer);
    }
    return type.cast(layer);
  }

  /** Translates an SQLite error of this log's file. */
  public OneLogException translate(SQLException e, String doing) {
    return SqliteErrors.translate(e, options.path(), options.busyTimeout(), doing);
  }

  /** Closes everything in order, always to the end; idempotent. See the class comment. */
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    List<Throwable> failures = new ArrayList<>();
    // Consumers and members first, while the log still works for them: a member leaves its group
    // through the writer. New consumers are refused from here on (attach checks closing).
    for (AutoCloseable consumer : List.copyOf(attached)) {
      closeRecording(consumer, failures);
    }
    closed = true;
    signal.wakeAll(); // pollers waiting for records notice the close at once
    List<AutoCloseable> created;
    synchronized (this) {
      created = new ArrayList<>(layers.values());
    }
    for (int i = created.size() - 1; i >= 0; i--) {
      closeRecording(created.get(i), failures);
    }
    closeRecording(readers, failures);
    if (writer != null) {
      closeRecording(writer, failures);
    }
    wakeUp.close();
    if (!failures.isEmpty()) {
      Throwable first = failures.get(0);
      for (Throwable other : failures.subList(1, failures.size())) {
        first.addSuppressed(other);
      }
      if (first instanceof SQLException sql) {
        throw translate(sql, "closing the log");
      }
      if (first instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (first instanceof Error error) {
        throw error;
      }
      throw new OneLogException("closing the log " + options.path() + " failed: " + first, first);
    }
  }

  private static void closeRecording(AutoCloseable closeable, List<Throwable> failures) {
    try {
      closeable.close();
    } catch (Exception | Error e) {
      failures.add(e);
    }
  }

  /** Waits for a future of ours, rethrowing its failure as it was thrown on the writer thread. */
  public static <T> T await(CompletableFuture<T> future) {
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
}
