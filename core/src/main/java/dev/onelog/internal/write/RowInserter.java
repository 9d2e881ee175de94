package dev.onelog.internal.write;

import dev.onelog.internal.storage.StatementCache;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Inserts rows into a partition's log table with multi-row {@code INSERT ... VALUES (...), (...)}
 * statements: one statement execution per 100 rows instead of per row cuts the writer thread's JNI
 * and VM work per record. Rows that do not fill a 100-row statement go in 10-row and then 1-row
 * statements, so each table needs at most three prepared statements.
 *
 * <p>Not thread-safe: the writer thread's alone.
 */
final class RowInserter {
  static final int[] CHUNK_ROWS = {100, 10, 1};

  private RowInserter() {}

  /**
   * Inserts {@code rows[start .. start + count)} at offsets {@code firstOffset, firstOffset + 1,
   * ...}.
   */
  static void insert(
      StatementCache statements,
      String table,
      EncodedRecord[] rows,
      int start,
      int count,
      long firstOffset)
      throws SQLException {
    int at = 0;
    for (int chunk : CHUNK_ROWS) {
      if (count - at < chunk) {
        continue;
      }
      PreparedStatement statement = statements.get(insertSql(table, chunk));
      while (count - at >= chunk) {
        int parameter = 1;
        for (int i = 0; i < chunk; i++, at++) {
          EncodedRecord record = rows[start + at];
          statement.setLong(parameter++, firstOffset + at);
          statement.setLong(parameter++, record.timestampMs());
          statement.setBytes(parameter++, record.key());
          statement.setBytes(parameter++, record.value());
          statement.setBytes(parameter++, record.headers());
          statement.setLong(parameter++, record.crc());
        }
        statement.executeUpdate();
      }
    }
  }

  private static String insertSql(String table, int rows) {
    StringBuilder sql =
        new StringBuilder(40 + rows * 14)
            .append("INSERT INTO ")
            .append(table)
            .append(" (offset, timestamp_ms, key, value, headers, crc) VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?)");
    }
    return sql.toString();
  }
}
