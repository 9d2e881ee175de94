package dev.onelog.internal.verify;

import dev.onelog.CorruptRecordException;
import dev.onelog.VerifyReport;
import dev.onelog.VerifyReport.Problem;
import dev.onelog.internal.read.PartitionReader;
import dev.onelog.internal.storage.BatchCursor;
import dev.onelog.internal.storage.FileFormat;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.RecordCodec;
import dev.onelog.internal.storage.SqliteErrors;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a whole file in one read transaction (one consistent snapshot, never blocking the writer):
 * SQLite's {@code integrity_check}, the format pragmas, and for every partition every batch's
 * CRC32C and encoding, that every offset lies in [log start offset, next offset), and that the
 * stored record count and byte size match the records. Streams rows; memory does not grow with the
 * file.
 */
public final class Verifier {
  /** Problems beyond this many are counted, not listed, so a ruined file cannot exhaust memory. */
  static final int MAX_LISTED_PROBLEMS = 1000;

  private final List<Problem> problems = new ArrayList<>();
  private long problemCount;
  private long recordsChecked;

  private Verifier() {}

  /**
   * Checks the file on the session's connection, in one read transaction: the topic list too is
   * read inside it, so that a topic created or deleted meanwhile is either wholly in the snapshot
   * or wholly absent. Refreshes the catalog's cache as a side effect.
   *
   * @throws SQLException when SQLite fails (busy, I/O, a broken schema); damage it can read past is
   *     reported as a problem instead, malformed pages of a partition's rows included
   * @throws dev.onelog.CorruptRecordException when the topics table cannot be read
   */
  public static VerifyReport verify(StatementCache session, TopicCatalog catalog)
      throws SQLException {
    Verifier verifier = new Verifier();
    try (Statement s = session.connection().createStatement()) {
      s.execute("BEGIN");
      try {
        List<TopicMeta> topics = catalog.list(session.connection());
        verifier.checkFile(s);
        for (TopicMeta topic : topics) {
          for (int p = 0; p < topic.partitions(); p++) {
            verifier.checkPartition(session, s, topic, p);
          }
        }
      } finally {
        // ROLLBACK, not COMMIT: the transaction only read, and once SQLite met a malformed page
        // its pager is in an error state in which COMMIT fails with SQLITE_CORRUPT, which threw
        // away the report of that very damage. ROLLBACK ends the snapshot and clears the state.
        s.execute("ROLLBACK");
      }
    }
    if (verifier.problemCount > verifier.problems.size()) {
      verifier.problems.add(
          new Problem(
              null,
              -1,
              -1,
              (verifier.problemCount - verifier.problems.size()) + " more problems not listed"));
    }
    return new VerifyReport(verifier.recordsChecked, List.copyOf(verifier.problems));
  }

  private void checkFile(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      while (rs.next()) {
        String line = rs.getString(1);
        if (!"ok".equals(line)) {
          fileProblem("SQLite integrity_check: " + line);
        }
      }
    } catch (SQLException e) {
      if (!SqliteErrors.isCorrupt(e)) {
        throw e;
      }
      // integrity_check stops at some damage (a malformed schema page) instead of listing it.
      fileProblem("SQLite integrity_check could not finish: " + e.getMessage());
    }
    try (ResultSet rs = s.executeQuery("PRAGMA application_id")) {
      int id = rs.next() ? rs.getInt(1) : 0;
      if (id != FileFormat.APPLICATION_ID) {
        fileProblem("application_id is " + id + ", expected " + FileFormat.APPLICATION_ID);
      }
    }
    try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      int version = rs.next() ? rs.getInt(1) : 0;
      if (version != FileFormat.FORMAT_VERSION) {
        fileProblem(
            "user_version (format) is " + version + ", expected " + FileFormat.FORMAT_VERSION);
      }
    }
  }

  private void checkPartition(StatementCache session, Statement s, TopicMeta topic, int partition)
      throws SQLException {
    Optional<PartitionReader.PartitionState> row;
    try {
      row = PartitionReader.findState(session, topic, partition);
    } catch (SQLException e) {
      if (!SqliteErrors.isCorrupt(e)) {
        throw e;
      }
      // sqlite-jdbc finalized the cached statement that failed: the next partition's would
      // fail with "statement is not executing" (an untyped StorageException) otherwise.
      session.invalidate(e);
      problem(topic, partition, -1, "its partitions row is unreadable: " + e.getMessage());
      return;
    } catch (CorruptRecordException e) {
      problem(topic, partition, -1, "its partitions row is unreadable: " + e.getMessage());
      return;
    }
    if (row.isEmpty()) {
      problem(topic, partition, -1, "has no row in the partitions table");
      return;
    }
    PartitionReader.PartitionState state = row.get();
    long count = 0;
    long bytes = 0;
    boolean sizesKnown = true;
    long previous = Long.MIN_VALUE;
    try (ResultSet rs =
        s.executeQuery(
            "SELECT last_offset, base_offset, record_count, max_timestamp_ms, records, crc FROM "
                + topic.logTable(partition)
                + " ORDER BY last_offset")) {
      while (rs.next()) {
        long lastOffset = rs.getLong(1);
        long baseOffset = rs.getLong(2);
        long recordCount = rs.getLong(3);
        long maxTimestampMs = rs.getLong(4);
        byte[] records = rs.getBytes(5);
        long crc = rs.getLong(6);
        count += recordCount;
        if (records == null) {
          problem(topic, partition, lastOffset, "batch has no records column");
          sizesKnown = false;
          continue;
        }
        long computed = RecordBatch.crc(baseOffset, records);
        if (computed != crc) {
          problem(
              topic,
              partition,
              lastOffset,
              "CRC32C mismatch in the batch of offsets "
                  + baseOffset
                  + ".."
                  + lastOffset
                  + ": stored "
                  + crc
                  + ", computed "
                  + computed);
          sizesKnown = false;
          continue;
        }
        if (baseOffset <= previous) {
          problem(
              topic,
              partition,
              baseOffset,
              "batch base offset not above the previous batch's last offset " + previous);
        }
        previous = lastOffset;
        long size =
            checkBatch(
                topic,
                partition,
                state,
                lastOffset,
                recordCount,
                maxTimestampMs,
                records,
                baseOffset);
        if (size < 0) {
          sizesKnown = false;
        } else {
          bytes += size;
        }
      }
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("no such table")) {
        problem(topic, partition, -1, "log table " + topic.logTable(partition) + " is missing");
        return;
      }
      if (String.valueOf(e.getMessage()).contains("no such column")) {
        problem(
            topic,
            partition,
            -1,
            "log table "
                + topic.logTable(partition)
                + " does not have the format's columns: "
                + e.getMessage());
        return;
      }
      if (SqliteErrors.isCorrupt(e)) {
        // SQLite cannot walk the table's b-tree past here: the batches beyond are unreachable.
        problem(
            topic,
            partition,
            -1,
            "log table "
                + topic.logTable(partition)
                + (previous == Long.MIN_VALUE
                    ? " is unreadable from its start: "
                    : " is unreadable after offset " + previous + ": ")
                + e.getMessage());
        return;
      }
      throw e;
    }
    if (count != state.recordCount()) {
      problem(
          topic,
          partition,
          -1,
          "partitions.record_count is "
              + state.recordCount()
              + " but "
              + count
              + " records are stored");
    }
    if (sizesKnown && bytes != state.sizeBytes()) {
      problem(
          topic,
          partition,
          -1,
          "partitions.size_bytes is " + state.sizeBytes() + " but the records hold " + bytes);
    }
  }

  /**
   * Decodes a batch whose CRC matched and checks it against its row and the partition; returns the
   * bytes its records count, or -1 when it does not decode.
   */
  private long checkBatch(
      TopicMeta topic,
      int partition,
      PartitionReader.PartitionState state,
      long lastOffset,
      long recordCount,
      long maxTimestampMs,
      byte[] records,
      long baseOffset) {
    if (!RecordBatch.kafkaCrcMatches(records)) {
      problem(
          topic,
          partition,
          lastOffset,
          "batch ending here has a header CRC32C that does not match its bytes (Kafka consumers"
              + " would refuse it)");
    }
    long decoded = 0;
    long offset = -1;
    long maxSeen = Long.MIN_VALUE;
    long size = 0;
    try {
      BatchCursor batch = new BatchCursor(baseOffset, records);
      while (batch.next()) {
        decoded++;
        size += batch.sizeInBytes();
        offset = batch.offset();
        maxSeen = Math.max(maxSeen, batch.timestampMs());
        if (offset < state.logStartOffset() || offset >= state.nextOffset()) {
          problem(
              topic,
              partition,
              offset,
              "offset outside [log start offset "
                  + state.logStartOffset()
                  + ", next offset "
                  + state.nextOffset()
                  + ")");
        }
        try {
          RecordCodec.decodeHeaders(batch.headers());
        } catch (IllegalArgumentException e) {
          problem(topic, partition, offset, "headers do not decode: " + e.getMessage());
        }
      }
    } catch (IllegalArgumentException e) {
      problem(topic, partition, lastOffset, "batch ending here does not decode: " + e.getMessage());
      recordsChecked += decoded;
      return -1;
    }
    recordsChecked += decoded;
    if (decoded != recordCount) {
      problem(
          topic,
          partition,
          lastOffset,
          "batch ending here says record_count " + recordCount + " but holds " + decoded);
    }
    if (decoded > 0 && offset != lastOffset) {
      problem(
          topic,
          partition,
          lastOffset,
          "batch ending here has its last record at offset " + offset);
    }
    if (decoded > 0 && maxSeen != maxTimestampMs) {
      problem(
          topic,
          partition,
          lastOffset,
          "batch ending here says max_timestamp_ms " + maxTimestampMs + " but holds " + maxSeen);
    }
    if (decoded == 0) {
      problem(topic, partition, lastOffset, "batch ending here holds no records");
    }
    return size;
  }

  private void fileProblem(String description) {
    add(new Problem(null, -1, -1, description));
  }

  private void problem(TopicMeta topic, int partition, long offset, String description) {
    add(new Problem(topic.name(), partition, offset, description));
  }

  private void add(Problem problem) {
    problemCount++;
    if (problems.size() < MAX_LISTED_PROBLEMS) {
      problems.add(problem);
    }
  }
}
