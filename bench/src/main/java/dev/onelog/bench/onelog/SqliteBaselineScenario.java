package dev.onelog.bench.onelog;

import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The baseline onelog must beat: what a developer writes first with sqlite-jdbc. One thread, a
 * prepared statement, {@code executeBatch}, one transaction per 10,000 rows, {@code
 * synchronous=FULL} and otherwise SQLite's default pragmas (rollback journal, 4 KiB pages), into
 * the same table shape as a onelog partition, with the same records and CRCs.
 */
final class SqliteBaselineScenario implements Scenario {
  static final int ROWS_PER_TRANSACTION = 10_000;

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    try (Connection c =
        DriverManager.getConnection("jdbc:sqlite:" + workDir.resolve("baseline.db"))) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA synchronous=FULL");
        s.execute(
            "CREATE TABLE log (offset INTEGER PRIMARY KEY, timestamp_ms INTEGER NOT NULL, key BLOB,"
                + " value BLOB, headers BLOB, crc INTEGER NOT NULL)");
      }
      c.setAutoCommit(false);
      long start = System.nanoTime();
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO log (offset, timestamp_ms, key, value, headers, crc) VALUES (?, ?, ?, ?, ?, ?)")) {
        CRC32C crc = new CRC32C();
        ByteBuffer scratch = ByteBuffer.allocate(8);
        for (long i = 0; i < options.records(); i++) {
          long timestampMs = System.currentTimeMillis();
          byte[] key = data.key(i);
          byte[] value = data.value(i);
          crc.reset();
          crc.update(scratch.clear().putLong(timestampMs).flip());
          crc.update(key);
          crc.update(value);
          insert.setLong(1, i);
          insert.setLong(2, timestampMs);
          insert.setBytes(3, key);
          insert.setBytes(4, value);
          insert.setNull(5, java.sql.Types.BLOB);
          insert.setLong(6, crc.getValue());
          insert.addBatch();
          if ((i + 1) % ROWS_PER_TRANSACTION == 0) {
            insert.executeBatch();
            c.commit();
          }
        }
        insert.executeBatch();
        c.commit();
      }
      long nanos = System.nanoTime() - start;
      return Map.of("recordsPerSec", BenchLog.perSecond(options.records(), nanos));
    }
  }
}
