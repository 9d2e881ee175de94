package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Checks a log file's invariants with plain SQL, independently of the library's own code: the file
 * is onelog's, SQLite's integrity check passes, every partition's stored offsets lie in
 * [log_start_offset, next_offset), its counters match its rows, and every batch's CRC32C and layout
 * are valid (recomputed here from docs/FORMAT.md's definition). Call after every storage test, with
 * the log closed or open. The consumer group tables are checked by {@link GroupInvariants}.
 */
public final class LogInvariants {
  private LogInvariants() {}

  public static void check(Path file) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        Statement s = c.createStatement()) {
      assertEquals(0x314C4F47, intQuery(s, "PRAGMA application_id"), "application_id of " + file);
      assertEquals("ok", stringQuery(s, "PRAGMA integrity_check"), "integrity_check of " + file);
      List<long[]> partitions = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT p.topic_id, p.partition, p.log_start_offset, p.next_offset, p.record_count, p.size_bytes"
                  + " FROM partitions p JOIN topics t ON t.id = p.topic_id")) {
        while (rs.next()) {
          partitions.add(
              new long[] {
                rs.getLong(1),
                rs.getLong(2),
                rs.getLong(3),
                rs.getLong(4),
                rs.getLong(5),
                rs.getLong(6)
              });
        }
      }
      for (long[] p : partitions) {
        String table = "log_" + p[0] + "_" + p[1];
        long count = 0;
        long bytes = 0;
        long previous = -1;
        try (ResultSet rs =
            s.executeQuery(
                "SELECT last_offset, base_offset, record_count, max_timestamp_ms, records, crc"
                    + " FROM "
                    + table
                    + " ORDER BY last_offset")) {
          while (rs.next()) {
            long lastOffset = rs.getLong(1);
            long baseOffset = rs.getLong(2);
            byte[] records = rs.getBytes(5);
            String batch = table + " batch " + baseOffset + ".." + lastOffset;
            assertEquals(crc(baseOffset, records), rs.getLong(6), batch + ": CRC32C");
            long offset = -1;
            long maxTimestamp = Long.MIN_VALUE;
            long inBatch = 0;
            for (StoredBatchWalker.Rec r : StoredBatchWalker.records(baseOffset, records, batch)) {
              if (inBatch == 0) {
                assertEquals(
                    baseOffset, r.offset(), batch + ": the first record sits at base_offset");
              }
              offset = r.offset();
              maxTimestamp = Math.max(maxTimestamp, r.timestampMs());
              bytes += r.sizeBytes();
              assertTrue(offset > previous, batch + ": offsets increase at " + offset);
              assertTrue(offset >= p[2], batch + ": offset " + offset + " >= log_start_offset");
              assertTrue(offset < p[3], batch + ": offset " + offset + " < next_offset " + p[3]);
              previous = offset;
              inBatch++;
            }
            assertEquals(lastOffset, offset, batch + ": last_offset is its last record's");
            assertEquals(rs.getLong(3), inBatch, batch + ": record_count");
            assertEquals(rs.getLong(4), maxTimestamp, batch + ": max_timestamp_ms");
            count += inBatch;
          }
        }
        assertEquals(p[4], count, table + ": record_count");
        assertEquals(p[5], bytes, table + ": size_bytes");
      }
    } catch (SQLException e) {
      throw new AssertionError("cannot check " + file + ": " + e, e);
    }
    GroupInvariants.check(file);
    CompactionInvariants.check(file);
  }

  static long crc(long baseOffset, byte[] records) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putLong(0, baseOffset));
    crc.update(records);
    return crc.getValue();
  }

  private static int intQuery(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static String stringQuery(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
