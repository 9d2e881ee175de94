package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compaction tables' invariants (FORMAT.md section 13), checked with plain SQL on a closed
 * file: every partition of a compacted topic has its key index and cleaner point; no record below
 * {@code indexed_offset} is newer than its key's {@code latest_offset}; below the cleaner point
 * each key has one record, at its {@code clean_offset}, and {@code clean_bytes} is their size (a
 * {@code clean_offset} may point at a record gone or above the cleaner point when a pass was cut
 * short); a delete horizon marks a kept tombstone; a topic that does not compact has neither.
 */
final class CompactionInvariants {
  private CompactionInvariants() {}

  private record Rec(long offset, ByteBuffer key, boolean tombstone, long sizeBytes) {}

  static void check(Path file) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        Statement s = c.createStatement()) {
      List<long[]> partitions = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT t.id, p.partition, t.cleanup_policy <> 'delete', p.next_offset"
                  + " FROM topics t JOIN partitions p ON p.topic_id = t.id")) {
        while (rs.next()) {
          partitions.add(
              new long[] {rs.getLong(1), rs.getLong(2), rs.getBoolean(3) ? 1 : 0, rs.getLong(4)});
        }
      }
      for (long[] p : partitions) {
        String keys = "keys_" + p[0] + "_" + p[1];
        boolean hasIndex = tableExists(s, keys);
        assertEquals(p[2] == 1, hasIndex, keys + " exists exactly when the topic compacts");
        if (p[2] == 1) {
          checkPartition(s, p[0], (int) p[1], p[3]);
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM cleaner_points c WHERE NOT EXISTS (SELECT 1 FROM topics t"
                  + " JOIN partitions p ON p.topic_id = t.id WHERE t.id = c.topic_id"
                  + " AND p.partition = c.partition AND t.cleanup_policy <> 'delete')")) {
        rs.next();
        assertEquals(0, rs.getLong(1), "cleaner points only for partitions of compacted topics");
      }
    } catch (SQLException e) {
      throw new AssertionError("cannot check " + file + ": " + e, e);
    }
  }

  private static void checkPartition(Statement s, long topicId, int partition, long nextOffset)
      throws SQLException {
    String name = "log_" + topicId + "_" + partition;
    long cleanerOffset;
    long cleanBytes;
    long indexedOffset;
    try (ResultSet rs =
        s.executeQuery(
            "SELECT cleaner_offset, clean_bytes, indexed_offset FROM cleaner_points WHERE topic_id = "
                + topicId
                + " AND partition = "
                + partition)) {
      assertTrue(rs.next(), name + " has a cleaner point");
      cleanerOffset = rs.getLong(1);
      cleanBytes = rs.getLong(2);
      indexedOffset = rs.getLong(3);
    }
    List<Rec> records = new ArrayList<>();
    try (ResultSet rs =
        s.executeQuery("SELECT base_offset, records FROM " + name + " ORDER BY last_offset")) {
      while (rs.next()) {
        for (StoredBatchWalker.Rec r :
            StoredBatchWalker.records(rs.getLong(1), rs.getBytes(2), name)) {
          records.add(
              new Rec(
                  r.offset(),
                  r.key() == null ? null : ByteBuffer.wrap(r.key()),
                  r.value() == null,
                  r.sizeBytes()));
        }
      }
    }
    Map<ByteBuffer, long[]> index = new HashMap<>(); // latest, clean (-1 = null), horizon (-1)
    try (ResultSet rs =
        s.executeQuery(
            "SELECT key, latest_offset, coalesce(clean_offset, -1), coalesce(delete_horizon_ms, -1)"
                + " FROM keys_"
                + topicId
                + "_"
                + partition)) {
      while (rs.next()) {
        index.put(
            ByteBuffer.wrap(rs.getBytes(1)),
            new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
      }
    }
    Set<ByteBuffer> cleanKeys = new HashSet<>();
    Map<Long, Rec> byOffset = new HashMap<>();
    long bytesBelow = 0;
    for (Rec r : records) {
      byOffset.put(r.offset, r);
      if (r.key == null) {
        continue;
      }
      long[] row = index.get(r.key);
      if (r.offset >= indexedOffset) {
        continue; // not indexed yet
      }
      assertNotNull(row, name + "@" + r.offset + ": its key is in the index");
      assertTrue(
          row[0] >= r.offset, name + "@" + r.offset + ": latest_offset " + row[0] + " >= it");
      if (r.offset < cleanerOffset) {
        assertTrue(
            cleanKeys.add(r.key),
            name + "@" + r.offset + ": one record per key below the cleaner point");
        assertEquals(r.offset, row[1], name + "@" + r.offset + ": the key's clean_offset");
        bytesBelow += r.sizeBytes;
      }
    }
    assertEquals(bytesBelow, cleanBytes, name + ": clean_bytes");
    for (Map.Entry<ByteBuffer, long[]> e : index.entrySet()) {
      long[] row = e.getValue();
      assertTrue(row[0] < nextOffset, name + ": latest_offset " + row[0] + " < next_offset");
      if (row[1] >= 0) {
        // At or above the cleaner point only when a pass was cut short while publishing.
        assertTrue(row[1] < nextOffset, name + ": clean_offset " + row[1] + " < next_offset");
        Rec kept = byOffset.get(row[1]);
        if (kept != null) {
          assertEquals(e.getKey(), kept.key, name + "@" + row[1] + ": clean_offset holds its key");
          assertEquals(
              kept.tombstone,
              row[2] >= 0,
              name + "@" + row[1] + ": a delete horizon marks a kept tombstone");
        }
      } else {
        assertEquals(-1, row[2], name + ": no delete horizon without a kept record");
      }
    }
  }

  private static boolean tableExists(Statement s, String table) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '" + table + "'")) {
      return rs.next();
    }
  }
}
