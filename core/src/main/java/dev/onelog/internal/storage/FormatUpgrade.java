package dev.onelog.internal.storage;

import dev.onelog.CorruptRecordException;
import dev.onelog.OlderFormatException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upgrades an older file in place, when the writer first opens it, inside its first transaction
 * ({@link FileSetup}): from format 1, every partition's records are checked against their format 1
 * CRC and packed into format 2 batches of up to {@value RecordBatch#MAX_BATCH_BYTES} bytes; from
 * format 2, the consumer group tables of format 3 are created; from format 3, the compaction tables
 * of format 4, with the key index of each compacted topic; from format 4, {@code cleaner_points}
 * gains {@code indexed_offset} (everything format 4 stored is indexed); then {@code user_version}
 * becomes 5. Any failure rolls the whole upgrade back and leaves the file exactly as it was. Not
 * thread-safe: it runs on the writer thread, before anything else uses the file; other processes
 * are kept out by the write lock.
 *
 * <pre>
 * format 1 log_T_P, one row per record:
 *   offset INTEGER PRIMARY KEY, timestamp_ms, key, value, headers, crc
 * crc: CRC32C (Castagnoli), as an unsigned 32-bit integer, over, big-endian,
 *   int64 timestamp_ms | int32 key length (-1 = NULL) | key
 *   | int32 value length (-1 = NULL) | value | int32 headers length (-1 = NULL) | headers
 * </pre>
 *
 * Per partition: the old table is renamed to {@code format1_log_T_P}, {@code log_T_P} is created
 * with format 2's DDL, the old rows are streamed into it in offset order and the old table is
 * dropped. The old table is renamed rather than the new one because {@code ALTER TABLE ... RENAME}
 * rewrites the renamed table's DDL in {@code sqlite_schema} with a quoted name: an upgraded file's
 * schema would then read differently from a new file's. Headers are stored with the same encoding
 * in both formats and are copied as they are.
 *
 * <p>Java holds one batch and one row, whatever the file's size. Disk does not stay flat: until the
 * commit every page written stays in the {@code -wal} file, so the upgrade needs free space about
 * the size of the file; each old table's pages are freed when it is dropped and reused for the next
 * partition's batches, so the file ends about one partition larger, in free pages that later
 * appends reuse. Measured on a 2.2 GB file of 2 million 1 KB records in 4 partitions: 14 s with a
 * 48 MiB heap (23 MiB used), the {@code -wal} file peaked at 2.1 GB, and the file ended at 2.7 GB
 * of which 0.6 GB free pages.
 */
final class FormatUpgrade {
  private static final Logger log = LoggerFactory.getLogger(FormatUpgrade.class);

  private FormatUpgrade() {}

  /** One row of the partitions table, with its topic's name for messages. */
  private record Partition(long topicId, int partition, String topicName) {
    String table() {
      return FileFormat.logTable(topicId, partition);
    }

    /** "orders-0", as messages name a partition. */
    String name() {
      return (topicName == null ? "topic id " + topicId : topicName) + "-" + partition;
    }
  }

  /**
   * Upgrades a file of an older format to the current one, inside the caller's write transaction
   * (the writer's first step, {@link FileSetup}): format 1 to 2 rewrites every partition as
   * batches, 2 to 3 adds the consumer group tables. A failure throws, and the caller's rollback
   * leaves the file as it was.
   *
   * @throws CorruptRecordException when a record does not match its format 1 CRC
   * @throws OlderFormatException when the file is older than the oldest format this code upgrades
   */
  static void upgrade(Connection writer, int version, Path path) throws SQLException {
    if (version < FileFormat.OLDEST_UPGRADABLE_VERSION) {
      throw tooOld(path, version);
    }
    try (Statement s = writer.createStatement()) {
      long startNanos = System.nanoTime();
      log.info(
          "upgrading {} from format {} to format {}", path, version, FileFormat.FORMAT_VERSION);
      long records = 0;
      if (version < 2) {
        for (Partition partition : partitions(s)) {
          records += upgrade(writer, s, partition, path);
        }
      } else if (version < 6) {
        // Before anything else reads the batches (format 4's key index is built from them).
        for (Partition partition : partitions(s)) {
          records += BatchRewrite.toKafkaBatches(writer, partition.table(), partition.name());
        }
      }
      if (version < 6) {
        BatchRewrite.recountSizes(writer, version >= 4);
      }
      if (version < 3) {
        for (String ddl : FileFormat.GROUP_TABLES) {
          s.execute(ddl);
        }
      }
      if (version < 4) {
        for (String ddl : FileFormat.CLEANER_TABLES) {
          s.execute(ddl);
        }
        // Compacted topics get their key index, built from what they hold: nothing compacted
        // them before format 4, so every record is dirty and the cleaner points start at 0.
        for (TopicMeta topic : compactedTopics(s)) {
          KeyIndex.create(writer, topic, 0, topic.partitions());
          for (int p = 0; p < topic.partitions(); p++) {
            records += KeyIndex.build(writer, topic, p);
          }
        }
      }
      if (version == 4) {
        // Format 4's appends kept the key index whole: every record is indexed. The table is
        // made again with format 5's DDL (not ALTER TABLE ... ADD COLUMN) so that an upgraded
        // file's schema reads as a new file's.
        s.execute("ALTER TABLE cleaner_points RENAME TO format4_cleaner_points");
        for (String ddl : FileFormat.CLEANER_TABLES) {
          if (ddl.contains("cleaner_points")) {
            s.execute(ddl);
          }
        }
        s.execute(
            "INSERT INTO cleaner_points (topic_id, partition, cleaner_offset, clean_bytes,"
                + " indexed_offset) SELECT c.topic_id, c.partition, c.cleaner_offset,"
                + " c.clean_bytes, p.next_offset FROM format4_cleaner_points c"
                + " JOIN partitions p USING (topic_id, partition)");
        s.execute("DROP TABLE format4_cleaner_points");
      }
      s.execute("PRAGMA user_version=" + FileFormat.FORMAT_VERSION);
      log.info(
          "upgraded {} to format {}: {} records rewritten in {} ms",
          path,
          FileFormat.FORMAT_VERSION,
          records,
          (System.nanoTime() - startNanos) / 1_000_000);
    }
  }

  private static List<TopicMeta> compactedTopics(Statement s) throws SQLException {
    List<TopicMeta> topics = new ArrayList<>();
    try (ResultSet rs =
        s.executeQuery(TopicCatalog.SELECT_TOPICS + " WHERE cleanup_policy <> 'delete'")) {
      while (rs.next()) {
        topics.add(TopicCatalog.topicMeta(rs));
      }
    }
    return topics;
  }

  private static List<Partition> partitions(Statement s) throws SQLException {
    List<Partition> partitions = new ArrayList<>();
    // LEFT JOIN: a partitions row whose topic row is missing still has a table to convert.
    try (ResultSet rs =
        s.executeQuery(
            "SELECT p.topic_id, p.partition, t.name FROM partitions p"
                + " LEFT JOIN topics t ON t.id = p.topic_id ORDER BY p.topic_id, p.partition")) {
      while (rs.next()) {
        partitions.add(new Partition(rs.getLong(1), rs.getInt(2), rs.getString(3)));
      }
    }
    return partitions;
  }

  /** Rewrites one partition's table as batches; returns the number of records it holds. */
  private static long upgrade(Connection writer, Statement s, Partition partition, Path path)
      throws SQLException {
    String old = "format1_" + partition.table();
    s.execute("ALTER TABLE " + partition.table() + " RENAME TO " + old);
    s.execute(FileFormat.createLogTable(partition.topicId(), partition.partition()));
    long records = 0;
    try (PreparedStatement select =
            writer.prepareStatement(
                "SELECT offset, timestamp_ms, key, value, headers, crc FROM "
                    + old
                    + " ORDER BY offset");
        PreparedStatement insert =
            writer.prepareStatement(RecordBatch.insertSql(partition.table()));
        ResultSet rs = select.executeQuery()) {
      BatchPacker batch = new BatchPacker(insert);
      while (rs.next()) {
        long offset = rs.getLong(1);
        long timestampMs = rs.getLong(2);
        byte[] key = rs.getBytes(3);
        byte[] value = rs.getBytes(4);
        byte[] headers = rs.getBytes(5);
        if (format1Crc(timestampMs, key, value, headers) != rs.getLong(6)) {
          throw corrupt(path, partition, offset);
        }
        byte[] kafkaHeaders;
        try {
          kafkaHeaders = RecordCodec.encodeHeaders(LegacyBatch.decodeHeaders(headers));
        } catch (IllegalArgumentException e) {
          throw corrupt(path, partition, offset);
        }
        batch.add(offset, timestampMs, key, value, kafkaHeaders);
        records++;
      }
      batch.flush();
    }
    s.execute("DROP TABLE " + old);
    return records;
  }

  /** A format 1 record's CRC32C, as it was stored in its crc column (see the class comment). */
  private static long format1Crc(long timestampMs, byte[] key, byte[] value, byte[] headers) {
    CRC32C crc = new CRC32C();
    ByteBuffer scratch = ByteBuffer.allocate(8);
    scratch.putLong(timestampMs).flip();
    crc.update(scratch);
    for (byte[] field : new byte[][] {key, value, headers}) {
      scratch.clear();
      scratch.putInt(field == null ? -1 : field.length).flip();
      crc.update(scratch);
      if (field != null) {
        crc.update(field, 0, field.length);
      }
    }
    return crc.getValue();
  }

  private static CorruptRecordException corrupt(Path path, Partition partition, long offset) {
    return new CorruptRecordException(
        "the record at "
            + partition.name()
            + "@"
            + offset
            + " does not match its CRC32C, so upgrading "
            + path
            + " from format 1 to format "
            + FileFormat.FORMAT_VERSION
            + " stopped; the file was not changed and is still format 1."
            + " Run 'onelog verify' of the onelog version that wrote it to list every damaged"
            + " record, or restore the file from a backup");
  }

  private static OlderFormatException tooOld(Path path, int version) {
    return new OlderFormatException(
        path
            + " is a onelog file of format "
            + version
            + ", older than format "
            + FileFormat.OLDEST_UPGRADABLE_VERSION
            + ", the oldest that this version of onelog upgrades; it was not modified",
        version,
        FileFormat.FORMAT_VERSION);
  }
}
