package dev.onelog.internal.verify;

import dev.onelog.VerifyReport;
import dev.onelog.VerifyReport.Problem;
import dev.onelog.internal.read.PartitionReader;
import dev.onelog.internal.storage.FileFormat;
import dev.onelog.internal.storage.RecordCodec;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a whole file in one read transaction (one consistent snapshot, never blocking the writer):
 * SQLite's {@code integrity_check}, the format pragmas, and for every partition every record's
 * CRC32C, that every offset lies in [log start offset, next offset), and that the stored record
 * count and byte size match the records. Streams rows; memory does not grow with the file.
 */
public final class Verifier {
  /** Problems beyond this many are counted, not listed, so a ruined file cannot exhaust memory. */
  static final int MAX_LISTED_PROBLEMS = 1000;

  private final List<Problem> problems = new ArrayList<>();
  private long problemCount;
  private long recordsChecked;

  private Verifier() {}

  public static VerifyReport verify(StatementCache session, List<TopicMeta> topics)
      throws SQLException {
    Verifier verifier = new Verifier();
    try (Statement s = session.connection().createStatement()) {
      s.execute("BEGIN");
      try {
        verifier.checkFile(s);
        for (TopicMeta topic : topics) {
          for (int p = 0; p < topic.partitions(); p++) {
            verifier.checkPartition(session, s, topic, p);
          }
        }
      } finally {
        s.execute("COMMIT");
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
    PartitionReader.PartitionState state;
    try {
      state = PartitionReader.state(session, topic, partition);
    } catch (SQLException e) {
      problem(topic, partition, -1, "has no row in the partitions table");
      return;
    }
    long count = 0;
    long bytes = 0;
    long previous = Long.MIN_VALUE;
    try (ResultSet rs =
        s.executeQuery(
            "SELECT offset, timestamp_ms, key, value, headers, crc FROM "
                + topic.logTable(partition)
                + " ORDER BY offset")) {
      while (rs.next()) {
        long offset = rs.getLong(1);
        long timestampMs = rs.getLong(2);
        byte[] key = rs.getBytes(3);
        byte[] value = rs.getBytes(4);
        byte[] headers = rs.getBytes(5);
        long crc = rs.getLong(6);
        recordsChecked++;
        count++;
        bytes += RecordCodec.sizeInBytes(key, value, headers);
        if (RecordCodec.crc(timestampMs, key, value, headers) != crc) {
          problem(
              topic,
              partition,
              offset,
              "CRC32C mismatch: stored "
                  + crc
                  + ", computed "
                  + RecordCodec.crc(timestampMs, key, value, headers));
        }
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
        if (offset <= previous) {
          problem(topic, partition, offset, "offset not above the previous offset " + previous);
        }
        previous = offset;
        try {
          RecordCodec.decodeHeaders(headers);
        } catch (IllegalArgumentException e) {
          problem(topic, partition, offset, "headers column does not decode: " + e.getMessage());
        }
      }
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("no such table")) {
        problem(topic, partition, -1, "log table " + topic.logTable(partition) + " is missing");
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
    if (bytes != state.sizeBytes()) {
      problem(
          topic,
          partition,
          -1,
          "partitions.size_bytes is " + state.sizeBytes() + " but the records hold " + bytes);
    }
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
