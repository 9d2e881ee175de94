package dev.onelog.internal.storage;

import dev.onelog.CorruptRecordException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The upgrade to format 6 ({@link FormatUpgrade}): every batch of formats 2 to 5 ({@link
 * LegacyBatch}) rewritten in place as a Kafka record batch ({@link RecordBatch}), same row, same
 * offsets, timestamps, keys, values and headers; then the partitions' byte counts recounted, since
 * headers take fewer bytes in Kafka's encoding. Reads {@value #CHUNK} rows at a time, so memory
 * stays flat whatever the file's size. Runs in the upgrade's transaction: a failure leaves the file
 * as it was.
 */
final class BatchRewrite {
  private static final int CHUNK = 256;

  private BatchRewrite() {}

  private record Row(long lastOffset, long baseOffset, byte[] records, long crc) {}

  /**
   * Rewrites one log table; returns the records it holds.
   *
   * @throws CorruptRecordException naming the first batch that does not match its CRC or decode
   */
  static long toKafkaBatches(Connection writer, String table, String name) throws SQLException {
    long records = 0;
    long after = Long.MIN_VALUE;
    try (PreparedStatement select =
            writer.prepareStatement(
                "SELECT last_offset, base_offset, records, crc FROM "
                    + table
                    + " WHERE last_offset > ? ORDER BY last_offset LIMIT "
                    + CHUNK);
        PreparedStatement update =
            writer.prepareStatement(
                "UPDATE " + table + " SET records = ?, crc = ? WHERE last_offset = ?")) {
      while (true) {
        List<Row> rows = new ArrayList<>(CHUNK);
        select.setLong(1, after);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            rows.add(new Row(rs.getLong(1), rs.getLong(2), rs.getBytes(3), rs.getLong(4)));
          }
        }
        if (rows.isEmpty()) {
          return records;
        }
        for (Row row : rows) {
          byte[] batch = rewrite(row, name);
          update.setBytes(1, batch);
          update.setLong(2, RecordBatch.crc(row.baseOffset(), batch));
          update.setLong(3, row.lastOffset());
          update.executeUpdate();
          records += new BatchCursor(row.baseOffset(), batch).count();
          after = row.lastOffset();
        }
      }
    }
  }

  private static byte[] rewrite(Row row, String name) {
    if (row.records() == null || LegacyBatch.crc(row.baseOffset(), row.records()) != row.crc()) {
      throw corrupt(row, name, "it does not match its CRC32C");
    }
    try {
      LegacyBatch.Cursor old = new LegacyBatch.Cursor(row.baseOffset(), row.records());
      List<Object[]> kept = new ArrayList<>();
      int size = RecordBatch.HEADER_BYTES;
      long baseTimestamp = 0;
      while (old.next()) {
        byte[] headers = RecordCodec.encodeHeaders(LegacyBatch.decodeHeaders(old.headers()));
        if (kept.isEmpty()) {
          baseTimestamp = old.timestampMs();
        }
        size +=
            RecordBatch.recordSize(
                (int) (old.offset() - row.baseOffset()),
                old.timestampMs() - baseTimestamp,
                old.key(),
                old.value(),
                headers);
        kept.add(new Object[] {old.offset(), old.timestampMs(), old.key(), old.value(), headers});
      }
      if (kept.isEmpty()) {
        throw corrupt(row, name, "it holds no records");
      }
      RecordBatch.Encoder batch =
          new RecordBatch.Encoder(ByteBuffer.allocate(size), row.baseOffset(), baseTimestamp);
      for (Object[] r : kept) {
        batch.add((long) r[0], (long) r[1], (byte[]) r[2], (byte[]) r[3], (byte[]) r[4]);
      }
      return batch.toBytes();
    } catch (IllegalArgumentException e) {
      throw corrupt(row, name, e.getMessage());
    }
  }

  private static CorruptRecordException corrupt(Row row, String name, String why) {
    return new CorruptRecordException(
        "the batch of records ending at "
            + name
            + "@"
            + row.lastOffset()
            + " is damaged ("
            + why
            + "), so the upgrade to format "
            + FileFormat.FORMAT_VERSION
            + " stopped; the file was not changed. Run 'onelog verify' of the onelog version"
            + " that wrote it to list every damaged batch, or restore the file from a backup");
  }

  /**
   * Sets every partition's {@code size_bytes}, and with {@code cleanerPoints} every compacted
   * partition's {@code clean_bytes} (the bytes below its cleaner offset), from the stored batches.
   */
  static void recountSizes(Connection writer, boolean cleanerPoints) throws SQLException {
    List<long[]> partitions = new ArrayList<>();
    try (Statement s = writer.createStatement();
        ResultSet rs =
            s.executeQuery(
                cleanerPoints
                    ? "SELECT p.topic_id, p.partition, coalesce(c.cleaner_offset, -1)"
                        + " FROM partitions p LEFT JOIN cleaner_points c"
                        + " USING (topic_id, partition)"
                    : "SELECT topic_id, partition, -1 FROM partitions")) {
      while (rs.next()) {
        partitions.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
      }
    }
    for (long[] p : partitions) {
      long total = 0;
      long clean = 0;
      try (PreparedStatement select =
              writer.prepareStatement(
                  "SELECT base_offset, records FROM "
                      + FileFormat.logTable(p[0], (int) p[1])
                      + " ORDER BY last_offset");
          ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          BatchCursor batch = new BatchCursor(rs.getLong(1), rs.getBytes(2));
          while (batch.next()) {
            total += batch.sizeInBytes();
            if (batch.offset() < p[2]) {
              clean += batch.sizeInBytes();
            }
          }
        }
      }
      try (PreparedStatement update =
          writer.prepareStatement(
              "UPDATE partitions SET size_bytes = ? WHERE topic_id = ? AND partition = ?")) {
        update.setLong(1, total);
        update.setLong(2, p[0]);
        update.setLong(3, p[1]);
        update.executeUpdate();
      }
      if (p[2] >= 0) {
        try (PreparedStatement update =
            writer.prepareStatement(
                "UPDATE cleaner_points SET clean_bytes = ? WHERE topic_id = ? AND partition = ?")) {
          update.setLong(1, clean);
          update.setLong(2, p[0]);
          update.setLong(3, p[1]);
          update.executeUpdate();
        }
      }
    }
  }
}
