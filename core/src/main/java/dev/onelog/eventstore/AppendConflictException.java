package dev.onelog.eventstore;

import dev.onelog.OneLogException;

/**
 * An append's check failed, and nothing of the append was stored: a stream was not at the expected
 * version ({@link #streamId}, {@link #expected}, {@link #actualVersion}), or an event matching a
 * condition's query was appended after its position ({@link #query}, {@link #conflictPosition}).
 * Read again, decide again, and append with the new version or position.
 */
public class AppendConflictException extends OneLogException {
  private static final long serialVersionUID = 1L;

  private final String streamId;
  private final transient ExpectedVersion expected;
  private final long actualVersion;
  private final transient EventQuery query;
  private final long conflictPosition;

  private AppendConflictException(
      String message,
      String streamId,
      ExpectedVersion expected,
      long actualVersion,
      EventQuery query,
      long conflictPosition) {
    super(message);
    this.streamId = streamId;
    this.expected = expected;
    this.actualVersion = actualVersion;
    this.query = query;
    this.conflictPosition = conflictPosition;
  }

  /** A stream was not at the version expected; {@code actualVersion} -1 means no stream. */
  public static AppendConflictException version(
      String streamId, ExpectedVersion expected, long actualVersion, boolean deleted) {
    String actual =
        actualVersion >= 0
            ? "is at version " + actualVersion
            : deleted ? "was deleted (no stream)" : "does not exist (no stream)";
    return new AppendConflictException(
        "stream '"
            + streamId
            + "' "
            + actual
            + ", but the append expected "
            + expected
            + "; nothing was appended. Read the stream again and retry with the version you read",
        streamId,
        expected,
        actualVersion,
        null,
        -1);
  }

  /** An event matching the condition's query is at {@code position}, after the one allowed. */
  public static AppendConflictException condition(AppendCondition condition, long position) {
    return new AppendConflictException(
        "an event matching ["
            + condition.query()
            + "] was appended at position "
            + position
            + ", after position "
            + condition.afterPosition()
            + "; nothing was appended. Read the matching events again and retry with the new"
            + " position",
        null,
        null,
        -1,
        condition.query(),
        position);
  }

  /** The stream whose version did not match; null for a condition's conflict. */
  public String streamId() {
    return streamId;
  }

  /** What the append expected of {@link #streamId}; null for a condition's conflict. */
  public ExpectedVersion expected() {
    return expected;
  }

  /** The stream's version: -1 when it has no events or was deleted. */
  public long actualVersion() {
    return actualVersion;
  }

  /** The condition's query; null for a version conflict. */
  public EventQuery query() {
    return query;
  }

  /** The first event matching the query after the condition's position; -1 for a version one. */
  public long conflictPosition() {
    return conflictPosition;
  }
}
