package dev.onelog;

/**
 * What an acknowledged append survives. Both modes keep the file in SQLite's WAL mode; they differ
 * in when SQLite calls fsync.
 */
public enum Durability {
  /**
   * An acknowledged record survives power loss and operating-system crashes: every commit is
   * fsynced before its futures complete ({@code PRAGMA synchronous=FULL}). Group commit shares one
   * fsync among every append queued at the time. The default.
   */
  FSYNC,
  /**
   * An acknowledged record survives a crash of the process; on power loss the last commits before
   * the crash may be lost, but the file stays consistent ({@code PRAGMA synchronous=NORMAL}: the
   * WAL is fsynced only at checkpoints).
   */
  NORMAL
}
