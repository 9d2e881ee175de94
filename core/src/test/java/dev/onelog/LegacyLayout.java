package dev.onelog;

import dev.onelog.internal.storage.BatchCursor;
import dev.onelog.internal.storage.LegacyBatch;
import dev.onelog.internal.storage.RecordCodec;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites every batch of a file in the layout of formats 2 to 5 (docs/FORMAT.md section 11), with
 * the sizes those formats counted, for tests that make files of those formats from files this
 * version wrote.
 */
final class LegacyLayout {
  private LegacyLayout() {}

  static void rewrite(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name GLOB 'log_*'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    for (String table : tables) {
      List<Object[]> rows = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT last_offset, base_offset, records FROM " + table)) {
        while (rs.next()) {
          rows.add(new Object[] {rs.getLong(1), rs.getLong(2), rs.getBytes(3)});
        }
      }
      long delta = 0;
      try (PreparedStatement update =
          c.prepareStatement(
              "UPDATE " + table + " SET records = ?, crc = ? WHERE last_offset = ?")) {
        for (Object[] row : rows) {
          long base = (long) row[1];
          BatchCursor batch = new BatchCursor(base, (byte[]) row[2]);
          ByteBuffer out = ByteBuffer.allocate(((byte[]) row[2]).length * 2 + 1024);
          while (batch.next()) {
            byte[] headers = batch.headers();
            byte[] legacy =
                headers == null
                    ? null
                    : LegacyBatch.encodeHeaders(RecordCodec.decodeHeaders(headers));
            delta += (legacy == null ? 0 : legacy.length) - (headers == null ? 0 : headers.length);
            LegacyBatch.putRecord(
                out,
                (int) (batch.offset() - base),
                batch.timestampMs(),
                batch.key(),
                batch.value(),
                legacy);
          }
          byte[] records = Arrays.copyOf(out.array(), out.position());
          update.setBytes(1, records);
          update.setLong(2, LegacyBatch.crc(base, records));
          update.setLong(3, (long) row[0]);
          update.executeUpdate();
        }
      }
      String[] ids = table.substring(4).split("_");
      try (Statement s = c.createStatement()) {
        s.execute(
            "UPDATE partitions SET size_bytes = size_bytes + "
                + delta
                + " WHERE topic_id = "
                + ids[0]
                + " AND partition = "
                + ids[1]);
      }
    }
  }
}
