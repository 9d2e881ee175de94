package dev.onelog;

import dev.onelog.internal.LogContext;
import dev.onelog.internal.LogOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings for opening a log, from {@link OneLog#builder(Path)}. Each setter checks its value at
 * once and names what is accepted. Not thread-safe; {@link #open()} may be called more than once.
 */
public final class OneLogBuilder {
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

  OneLogBuilder(Path path) {
    this.path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
  }

  /** {@link Durability#FSYNC} (the default) or {@link Durability#NORMAL}. */
  public OneLogBuilder durability(Durability value) {
    this.durability = Objects.requireNonNull(value, "durability");
    return this;
  }

  /** The largest record accepted, counting key, value and headers; default 1 MiB. */
  public OneLogBuilder maxRecordSizeBytes(int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("maxRecordSizeBytes < 1: " + bytes);
    }
    this.maxRecordSizeBytes = bytes;
    return this;
  }

  /** How long a write waits for another process's write lock before failing; default 5 s. */
  public OneLogBuilder busyTimeout(Duration timeout) {
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
  public OneLogBuilder clock(Clock value) {
    this.clock = Objects.requireNonNull(value, "clock");
    return this;
  }

  /**
   * A cap on the file's size (SQLite's max_page_count): appends past it fail with {@link
   * DiskFullException}, as on a full disk. 0, the default, means no cap.
   */
  public OneLogBuilder maxFileSizeBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("maxFileSizeBytes < 0: " + bytes);
    }
    this.maxFileSizeBytes = bytes;
    return this;
  }

  /**
   * How many bytes of records may wait for the writer before {@code send} blocks; default 8 MiB,
   * about three full group commits of small records; 1 KiB to 1 GiB. Measured: a 64 MiB queue kept
   * so many records alive that young collections copied them over and over, and cost more CPU per
   * record than the writer thread (docs/BENCHMARKS.md). Records with keys spread over hundreds of
   * partitions are the exception: each commit writes a page per partition it touches, so a larger
   * queue (32 MiB, Kafka's {@code buffer.memory}) fills those pages better, for more heap.
   */
  public OneLogBuilder maxQueuedBytes(int bytes) {
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
  public OneLogBuilder readOnly() {
    this.readOnly = true;
    return this;
  }

  /**
   * Opens the log, creating the file when missing (unless {@link #readOnly()}). A file of an older
   * format is upgraded in place to the current one, in one transaction; from format 1 that holds
   * the write lock for as long as it takes to rewrite every record (seconds per GiB) and needs free
   * disk space about the size of the file until it commits; any failure leaves the file as it was.
   *
   * @throws FileAccessException when the directory is missing or the file is read-only
   * @throws NotAOneLogFileException when the file is another SQLite database or not SQLite
   * @throws NewerFormatException when the file is of a newer format than this code reads
   * @throws OlderFormatException when the file is of an older format and opened {@link
   *     #readOnly()}, which cannot upgrade it
   * @throws CorruptRecordException when upgrading an older file finds a record that does not match
   *     its CRC; the file is left as it was
   */
  public OneLog open() {
    return OneLog.of(
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
