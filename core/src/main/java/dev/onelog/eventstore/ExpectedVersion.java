package dev.onelog.eventstore;

/**
 * What an append expects of its stream: {@link #any()}, {@link #noStream()}, {@link
 * #streamExists()} or {@link #exactly(long)} a version. Versions of a stream's events start at 0
 * and rise by one; a stream's version is the version of its last event, so "exactly 4" means the
 * stream holds versions 0 to 4 and the next event becomes version 5. Immutable.
 */
public final class ExpectedVersion {
  private static final long ANY = -2;
  private static final long NO_STREAM = -1;
  private static final long STREAM_EXISTS = -4;

  private static final ExpectedVersion ANY_VERSION = new ExpectedVersion(ANY);
  private static final ExpectedVersion NO_STREAM_VERSION = new ExpectedVersion(NO_STREAM);
  private static final ExpectedVersion EXISTS_VERSION = new ExpectedVersion(STREAM_EXISTS);

  private final long value;

  private ExpectedVersion(long value) {
    this.value = value;
  }

  /** No check: append whatever the stream holds (even a deleted or missing stream). */
  public static ExpectedVersion any() {
    return ANY_VERSION;
  }

  /** The stream must not exist: it has no event, or was deleted (it then restarts). */
  public static ExpectedVersion noStream() {
    return NO_STREAM_VERSION;
  }

  /** The stream must exist: it has an event and is not deleted. */
  public static ExpectedVersion streamExists() {
    return EXISTS_VERSION;
  }

  /**
   * The stream's last event must be at exactly this version.
   *
   * @throws IllegalArgumentException when {@code version < 0}; use {@link #noStream()} for a stream
   *     without events
   */
  public static ExpectedVersion exactly(long version) {
    if (version < 0) {
      throw new IllegalArgumentException(
          "expected version < 0: "
              + version
              + "; versions start at 0. Use ExpectedVersion.noStream() for a stream without events,"
              + " any() for no check");
    }
    return new ExpectedVersion(version);
  }

  /** The forms {@link #parse} reads, for messages. */
  public static final String FORMS = "a version from 0, no-stream, exists or any";

  /**
   * Reads an expected version as the command line and the Kafka server's {@code
   * es-expected-version} header write it: a version from 0, {@code no-stream}, {@code exists} or
   * {@code any}.
   *
   * @throws IllegalArgumentException saying what was given and what would be right
   */
  public static ExpectedVersion parse(String text) {
    switch (text) {
      case "any":
        return any();
      case "no-stream":
        return noStream();
      case "exists":
        return streamExists();
      default:
        break;
    }
    long version;
    try {
      version = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not an expected version; use " + FORMS);
    }
    if (version < 0) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not an expected version: versions start at 0; use no-stream for a stream"
              + " without events, or any for no check");
    }
    return exactly(version);
  }

  public boolean isAny() {
    return value == ANY;
  }

  public boolean isNoStream() {
    return value == NO_STREAM;
  }

  public boolean isStreamExists() {
    return value == STREAM_EXISTS;
  }

  /** True for {@link #exactly(long)}; then {@link #version()} is the version. */
  public boolean isExact() {
    return value >= 0;
  }

  /**
   * The exact version expected.
   *
   * @throws IllegalStateException when this is not an exact version
   */
  public long version() {
    if (value < 0) {
      throw new IllegalStateException(this + " has no exact version");
    }
    return value;
  }

  /** True when a stream whose version is {@code actual} (-1: no stream) satisfies this. */
  public boolean matches(long actual) {
    if (value == ANY) {
      return true;
    }
    if (value == NO_STREAM) {
      return actual < 0;
    }
    if (value == STREAM_EXISTS) {
      return actual >= 0;
    }
    return actual == value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExpectedVersion other && other.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  @Override
  public String toString() {
    if (value == ANY) {
      return "any";
    }
    if (value == NO_STREAM) {
      return "no stream";
    }
    if (value == STREAM_EXISTS) {
      return "stream exists";
    }
    return "version " + value;
  }
}
