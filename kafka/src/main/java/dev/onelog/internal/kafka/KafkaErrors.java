package dev.onelog.internal.kafka;

import dev.onelog.BusyTimeoutException;
import dev.onelog.CorruptRecordException;
import dev.onelog.DiskFullException;
import dev.onelog.InvalidRecordException;
import dev.onelog.InvalidTopicException;
import dev.onelog.LogClosedException;
import dev.onelog.OffsetOutOfRangeException;
import dev.onelog.RecordTooLargeException;
import dev.onelog.StorageException;
import dev.onelog.TopicExistsException;
import dev.onelog.UnknownPartitionException;
import dev.onelog.UnknownTopicException;
import dev.onelog.group.GroupNotEmptyException;
import dev.onelog.group.InvalidGroupIdException;
import dev.onelog.group.UnknownGroupException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * onelog's exceptions and the one Kafka error code each maps to, in one table. Kafka's own {@link
 * org.apache.kafka.common.errors.ApiException}s (thrown where an API checks a request in Kafka's
 * terms: a replication factor, a config) keep their own code. Stateless and thread-safe.
 */
final class KafkaErrors {
  private static final Logger log = LoggerFactory.getLogger(KafkaErrors.class);

  private KafkaErrors() {}

  /** In order: the first entry the exception is an instance of wins. */
  private static final List<Map.Entry<Class<? extends Throwable>, Errors>> TABLE =
      List.of(
          Map.entry(UnknownTopicException.class, Errors.UNKNOWN_TOPIC_OR_PARTITION),
          Map.entry(UnknownPartitionException.class, Errors.UNKNOWN_TOPIC_OR_PARTITION),
          Map.entry(OffsetOutOfRangeException.class, Errors.OFFSET_OUT_OF_RANGE),
          Map.entry(RecordTooLargeException.class, Errors.MESSAGE_TOO_LARGE),
          Map.entry(InvalidRecordException.class, Errors.INVALID_RECORD),
          // Kafka has no code for a version conflict: INVALID_RECORD is not retried by clients,
          // and its message names the stream and both versions.
          Map.entry(dev.onelog.eventstore.AppendConflictException.class, Errors.INVALID_RECORD),
          Map.entry(dev.onelog.eventstore.DuplicateEventIdException.class, Errors.INVALID_RECORD),
          Map.entry(InvalidTopicException.class, Errors.INVALID_TOPIC_EXCEPTION),
          Map.entry(TopicExistsException.class, Errors.TOPIC_ALREADY_EXISTS),
          Map.entry(CorruptRecordException.class, Errors.CORRUPT_MESSAGE),
          Map.entry(DiskFullException.class, Errors.KAFKA_STORAGE_ERROR),
          Map.entry(BusyTimeoutException.class, Errors.REQUEST_TIMED_OUT),
          Map.entry(LogClosedException.class, Errors.BROKER_NOT_AVAILABLE),
          Map.entry(StorageException.class, Errors.KAFKA_STORAGE_ERROR),
          Map.entry(GroupNotEmptyException.class, Errors.NON_EMPTY_GROUP),
          Map.entry(UnknownGroupException.class, Errors.GROUP_ID_NOT_FOUND),
          Map.entry(InvalidGroupIdException.class, Errors.INVALID_GROUP_ID),
          Map.entry(IllegalArgumentException.class, Errors.INVALID_REQUEST));

  /** The code for {@code failure}, looking through the wrappers of futures. */
  static Errors of(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof org.apache.kafka.common.errors.ApiException api) {
      return Errors.forException(api);
    }
    for (Map.Entry<Class<? extends Throwable>, Errors> entry : TABLE) {
      if (entry.getKey().isInstance(cause)) {
        return entry.getValue();
      }
    }
    return Errors.UNKNOWN_SERVER_ERROR;
  }

  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The message clients see beside the code, where the response has room for one. */
  static String message(Throwable failure) {
    return String.valueOf(unwrap(failure).getMessage());
  }

  /**
   * The code and message for one topic's, partition's or resource's part of a response. A failure
   * the table does not know (UNKNOWN_SERVER_ERROR) is logged with its stack, since the client sees
   * only its message.
   */
  static ApiError apiError(Throwable failure) {
    Throwable cause = unwrap(failure);
    Errors code = of(cause);
    if (code == Errors.UNKNOWN_SERVER_ERROR) {
      log.warn("unexpected failure answered as UNKNOWN_SERVER_ERROR", cause);
    }
    return new ApiError(code, message(cause));
  }
}
