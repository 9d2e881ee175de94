package dev.onelog.eventstore;

/**
 * Handles a projection's events, one at a time, in position order. Writes through {@code tx} commit
 * together with the projection's checkpoint: exactly-once. Anything else it does (a call to another
 * service) is at-least-once: after a crash, events since the last checkpoint are handled again.
 * Runs on the projection's thread, inside the log's write transaction: keep it short.
 */
@FunctionalInterface
public interface ProjectionHandler {
  /**
   * @throws Exception to stop the projection: the batch is rolled back, the event and the error are
   *     recorded in {@code es_projections} and reported by {@link EventStore#projections()}
   */
  void handle(RecordedEvent event, ProjectionTransaction tx) throws Exception;
}
