package dev.onelog.bench.onelog;

import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * SQLite's own floor for one synchronous caller: a plain sqlite-jdbc loop that commits one row per
 * transaction (autocommit, so each INSERT is its own), with the pragmas onelog's writer runs in
 * FSYNC mode (WAL, {@code synchronous=FULL}, 16 KiB pages, a checkpoint every 128 pages, a 32 MiB
 * page cache: {@code Connections.openWriter}), into a table shaped like a onelog partition, each
 * row a blob the size of a one-record batch. Counted for {@code extra seconds} (default 5) after a
 * one-second warm-up, as {@link SyncAppendScenario} counts one caller.
 */
final class SqliteSyncScenario implements Scenario {
  /** A one-record batch: the 61-byte header, the record's framing, key and value. */
  private static final int BATCH_OVERHEAD_BYTES = 61 + 8;

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    double seconds = Double.parseDouble(options.extra("seconds", "5"));
    try (Connection c =
        DriverManager.getConnection("jdbc:sqlite:" + workDir.resolve("sqlite-sync.db"))) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA page_size=16384");
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA cache_size=-32768");
        s.execute("PRAGMA wal_autocheckpoint=128");
        s.execute("PRAGMA journal_size_limit=" + (64L << 20));
        s.execute(
            "CREATE TABLE log (last_offset INTEGER PRIMARY KEY, base_offset INTEGER NOT NULL,"
                + " record_count INTEGER NOT NULL, max_timestamp_ms INTEGER NOT NULL,"
                + " records BLOB NOT NULL, crc INTEGER NOT NULL)");
      }
      int keyBytes = data.key(0) == null ? 0 : data.key(0).length;
      byte[] blob = new byte[BATCH_OVERHEAD_BYTES + keyBytes + data.value(0).length];
      new Random(42).nextBytes(blob);
      long counted = 0;
      long warmupEnd = System.nanoTime() + 1_000_000_000L;
      long end = warmupEnd + (long) (seconds * 1e9);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO log (last_offset, base_offset, record_count, max_timestamp_ms, records,"
                  + " crc) VALUES (?, ?, 1, ?, ?, ?)")) {
        CRC32C crc = new CRC32C();
        long now;
        for (long i = 0; (now = System.nanoTime()) < end; i++) {
          crc.reset();
          crc.update(blob);
          insert.setLong(1, i);
          insert.setLong(2, i);
          insert.setLong(3, System.currentTimeMillis());
          insert.setBytes(4, blob);
          insert.setLong(5, crc.getValue());
          insert.executeUpdate();
          if (now >= warmupEnd) {
            counted++;
          }
        }
      }
      return Map.of("recordsPerSec", counted / seconds);
    }
  }
}
