package dev.onelog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes a format 1 file with plain SQL, as onelog wrote them before format 2: the pragmas, the
 * schema and the one-row-per-record log tables, each record with its format 1 CRC32C. Frozen here
 * on purpose, independent of the library's code, so that upgrade tests keep testing format 1 files
 * whatever the library writes now. Commits everything in one transaction on {@link #close()}. Not
 * thread-safe.
 */
final class Format1File implements AutoCloseable {
  /** A record as format 1 stores it; the expected result of reading it back after an upgrade. */
  record Row(long offset, long timestampMs, byte[] key, byte[] value, List<Header> headers) {}

  private final Connection connection;

  private Format1File(Connection connection) {
    this.connection = connection;
  }

  /** Creates a new format 1 file with no topics, left open for {@link #createTopic}. */
  static Format1File create(Path file) throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA page_size=16384");
      s.execute("PRAGMA auto_vacuum=INCREMENTAL");
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("BEGIN IMMEDIATE");
      s.execute(
          """
          CREATE TABLE topics (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            name            TEXT NOT NULL UNIQUE,
            partitions      INTEGER NOT NULL CHECK (partitions >= 1),
            cleanup_policy  TEXT NOT NULL CHECK (cleanup_policy IN ('delete', 'compact', 'compact,delete')),
            retention_ms    INTEGER CHECK (retention_ms IS NULL OR retention_ms > 0),
            retention_bytes INTEGER CHECK (retention_bytes IS NULL OR retention_bytes > 0),
            created_at_ms   INTEGER NOT NULL,
            config          TEXT NOT NULL DEFAULT '{}'
          )""");
      s.execute(
          """
          CREATE TABLE partitions (
            topic_id         INTEGER NOT NULL REFERENCES topics(id),
            partition        INTEGER NOT NULL CHECK (partition >= 0),
            log_start_offset INTEGER NOT NULL DEFAULT 0,
            next_offset      INTEGER NOT NULL DEFAULT 0,
            record_count     INTEGER NOT NULL DEFAULT 0,
            size_bytes       INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (topic_id, partition)
          ) WITHOUT ROWID""");
      s.execute("PRAGMA application_id=" + 0x314C4F47);
      s.execute("PRAGMA user_version=1");
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return new Format1File(connection);
  }

  /** Opens an existing format 1 file in a transaction, to change it with {@link #execute}. */
  static Format1File open(Path file) throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement s = connection.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return new Format1File(connection);
  }

  /** Creates a topic with its partitions' rows and log tables; returns its id. */
  long createTopic(String name, int partitions, String cleanupPolicy) throws SQLException {
    long id;
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO topics (name, partitions, cleanup_policy, created_at_ms)"
                + " VALUES (?, ?, ?, 1700000000000) RETURNING id")) {
      insert.setString(1, name);
      insert.setInt(2, partitions);
      insert.setString(3, cleanupPolicy);
      try (ResultSet rs = insert.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
    }
    try (Statement s = connection.createStatement()) {
      for (int p = 0; p < partitions; p++) {
        s.execute("INSERT INTO partitions (topic_id, partition) VALUES (" + id + ", " + p + ")");
        s.execute(
            "CREATE TABLE log_"
                + id
                + "_"
                + p
                + " (offset INTEGER PRIMARY KEY, timestamp_ms INTEGER NOT NULL, key BLOB,"
                + " value BLOB, headers BLOB, crc INTEGER NOT NULL)");
      }
    }
    return id;
  }

  /**
   * Stores a record at its offset, which must be above every stored one, and advances the
   * partition's next offset past it and its counters, as a format 1 append did.
   */
  void append(long topicId, int partition, Row row) throws SQLException {
    byte[] headers = encodeHeaders(row.headers());
    try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO log_"
                    + topicId
                    + "_"
                    + partition
                    + " (offset, timestamp_ms, key, value, headers, crc) VALUES (?, ?, ?, ?, ?, ?)");
        PreparedStatement advance =
            connection.prepareStatement(
                "UPDATE partitions SET next_offset = ?, record_count = record_count + 1,"
                    + " size_bytes = size_bytes + ? WHERE topic_id = ? AND partition = ?")) {
      insert.setLong(1, row.offset());
      insert.setLong(2, row.timestampMs());
      insert.setBytes(3, row.key());
      insert.setBytes(4, row.value());
      insert.setBytes(5, headers);
      insert.setLong(6, crc(row.timestampMs(), row.key(), row.value(), headers));
      insert.executeUpdate();
      advance.setLong(1, row.offset() + 1);
      advance.setLong(2, length(row.key()) + length(row.value()) + length(headers));
      advance.setLong(3, topicId);
      advance.setInt(4, partition);
      advance.executeUpdate();
    }
  }

  /** Runs SQL as it is: to set offsets as retention or compaction left them, or to damage data. */
  void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public void close() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("COMMIT");
    } finally {
      connection.close();
    }
  }

  /** Format 1's headers column: NULL for none, else count and (name, value) pairs. */
  private static byte[] encodeHeaders(List<Header> headers) {
    if (headers.isEmpty()) {
      return null;
    }
    int size = 4;
    for (Header header : headers) {
      size += 8 + header.name().getBytes(StandardCharsets.UTF_8).length + length(header.value());
    }
    ByteBuffer out = ByteBuffer.allocate(size).putInt(headers.size());
    for (Header header : headers) {
      byte[] name = header.name().getBytes(StandardCharsets.UTF_8);
      out.putInt(name.length).put(name);
      putField(out, header.value());
    }
    return out.array();
  }

  /**
   * Format 1's crc column: CRC32C over int64 timestamp_ms | int32 key length (-1 = NULL) | key |
   * int32 value length | value | int32 headers length | headers.
   */
  static long crc(long timestampMs, byte[] key, byte[] value, byte[] headers) {
    ByteBuffer fields =
        ByteBuffer.allocate(20 + length(key) + length(value) + length(headers))
            .putLong(timestampMs);
    putField(fields, key);
    putField(fields, value);
    putField(fields, headers);
    CRC32C crc = new CRC32C();
    crc.update(fields.array());
    return crc.getValue();
  }

  private static void putField(ByteBuffer out, byte[] field) {
    if (field == null) {
      out.putInt(-1);
    } else {
      out.putInt(field.length).put(field);
    }
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }
}
