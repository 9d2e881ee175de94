package dev.onelog.eventstore;

import dev.onelog.Transaction;

/**
 * The transaction a projection's handler writes through, with the name of each of the projection's
 * tables to write now: the table itself, or while the projection rebuilds, the table that will
 * replace it once the rebuild caught up.
 */
public interface ProjectionTransaction extends Transaction {
  /**
   * The table to use for the projection's table {@code name} (declared with {@link
   * Projection.Builder#table}).
   *
   * @throws IllegalArgumentException when the projection declared no such table
   */
  String table(String name);
}
