package dev.onelog.internal.kafka;

import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicPartition;
import dev.onelog.Transaction;
import java.util.List;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;

/**
 * The idempotent producer's state, kept in the file ({@code kafka_producer_batches}, docs/FORMAT.md
 * section 15) and written in the same transaction as the records it describes, so that a retry is
 * recognised across reconnects, server restarts and crashes: a batch whose sequences are among the
 * last {@link #WINDOW} batches of its producer and partition is answered with the offset it got and
 * not stored again; a batch that skips sequences is refused with OUT_OF_ORDER_SEQUENCE_NUMBER, one
 * of an older epoch with INVALID_PRODUCER_EPOCH. A producer the file does not know (new, or expired
 * after {@link #EXPIRY_MILLIS} without a batch, as Kafka's {@code producer.id.expiration.ms})
 * starts at whatever sequence it sends.
 *
 * <p>Stateless: every check reads the file inside the transaction, on the log's writer thread.
 */
final class ProducerStates {
  /** Batches remembered per producer and partition: a producer has at most five in flight. */
  static final int WINDOW = 5;

  /** Kafka's default {@code producer.id.expiration.ms}: one day. */
  static final long EXPIRY_MILLIS = 24L * 60 * 60 * 1000;

  static final String CREATE_TABLE =
      "CREATE TABLE IF NOT EXISTS kafka_producer_batches ("
          + " producer_id INTEGER NOT NULL,"
          + " topic TEXT NOT NULL,"
          + " partition INTEGER NOT NULL,"
          + " base_offset INTEGER NOT NULL,"
          + " epoch INTEGER NOT NULL,"
          + " first_sequence INTEGER NOT NULL,"
          + " last_sequence INTEGER NOT NULL,"
          + " appended_ms INTEGER NOT NULL,"
          + " PRIMARY KEY (producer_id, topic, partition, base_offset)) WITHOUT ROWID";

  /**
   * One producer batch of a produce request: its bytes when the file stores it as it came ({@code
   * stored}), else its records, decoded.
   */
  record Batch(
      long producerId,
      short epoch,
      int firstSequence,
      int lastSequence,
      List<ProducerRecord> records,
      byte[] stored) {}

  private record Stored(long baseOffset, short epoch, int firstSequence, int lastSequence) {}

  private ProducerStates() {}

  /** Creates the table when the file has none; the server calls it once when it starts. */
  static void createTable(OneLog log) {
    log.transaction(tx -> tx.execute(CREATE_TABLE));
  }

  /**
   * Inside {@code tx}: appends the batches that are new, in order, and notes them; returns the base
   * offset of the first batch (new or repeated).
   */
  static long append(Transaction tx, String topic, int partition, List<Batch> batches) {
    long firstOffset = -1;
    long now = System.currentTimeMillis();
    for (Batch batch : batches) {
      long offset = appendOne(tx, topic, partition, batch, now);
      if (firstOffset < 0) {
        firstOffset = offset;
      }
    }
    return firstOffset;
  }

  private static long appendOne(
      Transaction tx, String topic, int partition, Batch batch, long now) {
    List<Stored> recent =
        tx.query(
            "SELECT base_offset, epoch, first_sequence, last_sequence FROM kafka_producer_batches"
                + " WHERE producer_id = ? AND topic = ? AND partition = ? AND appended_ms >= ?"
                + " ORDER BY base_offset DESC LIMIT "
                + WINDOW,
            row ->
                new Stored(
                    row.getLong(1),
                    (short) row.getLong(2),
                    (int) row.getLong(3),
                    (int) row.getLong(4)),
            batch.producerId(),
            topic,
            partition,
            now - EXPIRY_MILLIS);
    if (!recent.isEmpty()) {
      Stored last = recent.get(0);
      if (batch.epoch() < last.epoch()) {
        throw new InvalidProducerEpochException(
            "producer "
                + batch.producerId()
                + " sent epoch "
                + batch.epoch()
                + " after "
                + last.epoch());
      }
      for (Stored stored : recent) {
        if (stored.epoch() == batch.epoch()
            && stored.firstSequence() == batch.firstSequence()
            && stored.lastSequence() == batch.lastSequence()) {
          return stored.baseOffset(); // a retry of a stored batch
        }
      }
      int expected = last.lastSequence() == Integer.MAX_VALUE ? 0 : last.lastSequence() + 1;
      if (batch.epoch() == last.epoch() && batch.firstSequence() != expected) {
        throw new OutOfOrderSequenceException(
            "producer "
                + batch.producerId()
                + " sent sequence "
                + batch.firstSequence()
                + " to "
                + topic
                + "-"
                + partition
                + "; the next expected is "
                + expected);
      }
    }
    long baseOffset =
        batch.stored() != null
            ? tx.appendBatch(new TopicPartition(topic, partition), batch.stored())
            : tx.send(batch.records()).get(0).offset();
    tx.execute(
        "INSERT INTO kafka_producer_batches (producer_id, topic, partition, base_offset, epoch,"
            + " first_sequence, last_sequence, appended_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        batch.producerId(),
        topic,
        partition,
        baseOffset,
        (int) batch.epoch(),
        batch.firstSequence(),
        batch.lastSequence(),
        now);
    if (recent.size() >= WINDOW) {
      tx.execute(
          "DELETE FROM kafka_producer_batches WHERE producer_id = ? AND topic = ? AND partition = ?"
              + " AND base_offset <= ?",
          batch.producerId(),
          topic,
          partition,
          recent.get(WINDOW - 1).baseOffset());
    }
    return baseOffset;
  }

  /** Forgets producers without a batch for {@link #EXPIRY_MILLIS}; returns the rows deleted. */
  static int expire(Transaction tx, long nowMs) {
    return tx.execute(
        "DELETE FROM kafka_producer_batches WHERE appended_ms < ?", nowMs - EXPIRY_MILLIS);
  }
}
