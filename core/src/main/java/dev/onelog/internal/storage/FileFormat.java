package dev.onelog.internal.storage;

import java.util.List;

/**
 * The file format's constants and schema; docs/FORMAT.md is the contract and this class must agree
 * with it.
 *
 * <pre>
 * topics      id (never reused), name, partitions, cleanup_policy, retention_ms, retention_bytes,
 *             created_at_ms, config
 * partitions  (topic_id, partition) -> log_start_offset, next_offset, record_count, size_bytes
 * log_T_P     one table per partition T = topics.id, P = partition number, one row per batch
 *             of records (see {@link RecordBatch}):
 *             last_offset INTEGER PRIMARY KEY, base_offset, record_count, max_timestamp_ms,
 *             records, crc
 * consumer_groups    group_id -> generation, assignor, created_at_ms, updated_at_ms
 * group_members      (group_id, member_id) -> instance_id, client, subscribed_topics,
 *                    topic_pattern, session_timeout_ms, joined_at_ms, heartbeat_at_ms
 * group_partitions   (group_id, topic_id, partition) -> target_member, owner_member,
 *                    owner_generation: the leases
 * group_offsets      (group_id, topic_id, partition) -> committed_offset, metadata,
 *                    committed_at_ms
 * cleaner_points     (topic_id, partition) -> cleaner_offset, clean_bytes, indexed_offset: how
 *                    far compaction and the key index have gone in each partition of a
 *                    compacted topic
 * keys_T_P           one table per partition of a compacted topic: key -> latest_offset,
 *                    clean_offset, delete_horizon_ms; the index behind latest-by-key reads
 *                    and incremental compaction
 * </pre>
 *
 * The batch's last offset is the rowid, so an append is an insert at the right edge of the b-tree
 * and a read from offset o is a rowid range scan from the first batch whose last offset is at or
 * above o; no secondary index is maintained. A row per batch rather than per record is format 2's
 * change: SQLite's cost is per row, and batches of records cut it by the batch size (measured in
 * docs/BENCHMARKS.md). {@code next_offset} lives in {@code partitions} rather than being derived
 * from {@code max(offset)} so that offsets are never reused, not even after every record was
 * deleted.
 */
public final class FileFormat {
  private FileFormat() {}

  /** {@code PRAGMA application_id}: the bytes "1LOG". */
  public static final int APPLICATION_ID = 0x314C4F47;

  /**
   * {@code PRAGMA user_version}: the format version this code writes and reads. Format 3 is format
   * 2 plus the consumer group tables; format 4 adds the compaction tables; format 5 indexes keys
   * behind the appends ({@code cleaner_points.indexed_offset}) instead of in them; format 6 stores
   * each batch as a Kafka record batch v2 ({@link RecordBatch}).
   */
  public static final int FORMAT_VERSION = 6;

  /** The oldest format this code upgrades from when it opens a file to write. */
  public static final int OLDEST_UPGRADABLE_VERSION = 1;

  /**
   * Set before the first table; 16 KiB pages measured faster for appends than the 4 KiB default.
   */
  public static final int PAGE_SIZE_BYTES = 16384;

  /** The pragmas a new file gets before its first table, each outside any transaction. */
  public static final List<String> NEW_FILE_PRAGMAS =
      List.of(
          "PRAGMA page_size=" + PAGE_SIZE_BYTES,
          "PRAGMA auto_vacuum=INCREMENTAL",
          "PRAGMA journal_mode=WAL");

  /** The consumer group tables, added by format 3. */
  public static final List<String> GROUP_TABLES =
      List.of(
          """
          CREATE TABLE consumer_groups (
            group_id       TEXT PRIMARY KEY,
            generation     INTEGER NOT NULL CHECK (generation >= 0),
            assignor       TEXT NOT NULL CHECK (assignor IN ('range', 'roundrobin', 'sticky')),
            created_at_ms  INTEGER NOT NULL,
            updated_at_ms  INTEGER NOT NULL
          ) WITHOUT ROWID""",
          """
          CREATE TABLE group_members (
            group_id           TEXT NOT NULL REFERENCES consumer_groups(group_id),
            member_id          TEXT NOT NULL,
            instance_id        TEXT,
            client             TEXT NOT NULL,
            subscribed_topics  TEXT,
            topic_pattern      TEXT,
            session_timeout_ms INTEGER NOT NULL CHECK (session_timeout_ms > 0),
            joined_at_ms       INTEGER NOT NULL,
            heartbeat_at_ms    INTEGER NOT NULL,
            PRIMARY KEY (group_id, member_id),
            CHECK ((subscribed_topics IS NULL) <> (topic_pattern IS NULL))
          ) WITHOUT ROWID""",
          """
          CREATE UNIQUE INDEX group_members_instance ON group_members (group_id, instance_id)
            WHERE instance_id IS NOT NULL""",
          """
          CREATE TABLE group_partitions (
            group_id         TEXT NOT NULL REFERENCES consumer_groups(group_id),
            topic_id         INTEGER NOT NULL,
            partition        INTEGER NOT NULL CHECK (partition >= 0),
            target_member    TEXT,
            owner_member     TEXT,
            owner_generation INTEGER,
            PRIMARY KEY (group_id, topic_id, partition),
            CHECK ((owner_member IS NULL) = (owner_generation IS NULL))
          ) WITHOUT ROWID""",
          """
          CREATE TABLE group_offsets (
            group_id         TEXT NOT NULL,
            topic_id         INTEGER NOT NULL,
            partition        INTEGER NOT NULL CHECK (partition >= 0),
            committed_offset INTEGER NOT NULL CHECK (committed_offset >= 0),
            metadata         TEXT NOT NULL DEFAULT '',
            committed_at_ms  INTEGER NOT NULL,
            PRIMARY KEY (group_id, topic_id, partition)
          ) WITHOUT ROWID""");

  /**
   * The compaction state, added by format 4: per partition of a compacted topic, the cleaner point
   * (records below it hold one record per key) and the bytes below it.
   */
  public static final List<String> CLEANER_TABLES =
      List.of(
          """
          CREATE TABLE cleaner_points (
            topic_id       INTEGER NOT NULL,
            partition      INTEGER NOT NULL CHECK (partition >= 0),
            cleaner_offset INTEGER NOT NULL DEFAULT 0 CHECK (cleaner_offset >= 0),
            clean_bytes    INTEGER NOT NULL DEFAULT 0 CHECK (clean_bytes >= 0),
            indexed_offset INTEGER NOT NULL DEFAULT 0 CHECK (indexed_offset >= 0),
            PRIMARY KEY (topic_id, partition)
          ) WITHOUT ROWID""");

  /** The tables of format 2, which later formats keep as they were. */
  static final List<String> BASE_TABLES =
      List.of(
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
          )""",
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

  /**
   * The tables every onelog file has, created in one transaction with {@code application_id} and
   * {@code user_version}.
   */
  public static final List<String> SCHEMA =
      schema(); // after BASE_TABLES and GROUP_TABLES: initialised in text order

  private static List<String> schema() {
    List<String> all = new java.util.ArrayList<>(BASE_TABLES);
    all.addAll(GROUP_TABLES);
    all.addAll(CLEANER_TABLES);
    return List.copyOf(all);
  }

  /** The name of a partition's log table: {@code log_<topic id>_<partition>}. */
  public static String logTable(long topicId, int partition) {
    return "log_" + topicId + "_" + partition;
  }

  /** The statement that creates one partition's log table. */
  public static String createLogTable(long topicId, int partition) {
    return "CREATE TABLE "
        + logTable(topicId, partition)
        + " (last_offset INTEGER PRIMARY KEY, base_offset INTEGER NOT NULL,"
        + " record_count INTEGER NOT NULL, max_timestamp_ms INTEGER NOT NULL,"
        + " records BLOB NOT NULL, crc INTEGER NOT NULL)";
  }

  /** The name of a compacted partition's key index: {@code keys_<topic id>_<partition>}. */
  public static String keysTable(long topicId, int partition) {
    return "keys_" + topicId + "_" + partition;
  }

  /**
   * The statements that create a compacted partition's key index and its tombstone index. A key is
   * at most one row: the offset of its newest record, of the record compaction kept below the
   * cleaner point, and, when that kept record is a tombstone, when it may be removed.
   */
  public static List<String> createKeysTable(long topicId, int partition) {
    String table = keysTable(topicId, partition);
    return List.of(
        "CREATE TABLE "
            + table
            + " (key BLOB PRIMARY KEY, latest_offset INTEGER NOT NULL, clean_offset INTEGER,"
            + " delete_horizon_ms INTEGER) WITHOUT ROWID",
        "CREATE INDEX "
            + table
            + "_horizon ON "
            + table
            + " (delete_horizon_ms) WHERE delete_horizon_ms IS NOT NULL");
  }
}
