package dev.onelog;

/**
 * A record the topic refuses, as Kafka's {@code InvalidRecordException}: a record without a key
 * sent to a compacted topic, where compaction keeps the newest record of each key and a record
 * without one could never be kept or removed by that rule; or a plain record sent to the event
 * store's topic, which takes only events.
 */
public final class InvalidRecordException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final String topic;

  public InvalidRecordException(String message, String topic) {
    super(message);
    this.topic = topic;
  }

  /** The topic that refused the record. */
  public String topic() {
    return topic;
  }
}
