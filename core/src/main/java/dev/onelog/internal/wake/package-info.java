/**
 * Waking a consumer in one process when a writer in another commits, without waiting for the next
 * look at {@code PRAGMA data_version} (1 to 16 ms apart).
 *
 * <p>Each log has a wake file of 8 bytes, not beside the log (a log stays one file) but in a
 * directory of the user's under {@code java.io.tmpdir} ({@link WakeFiles}):
 *
 * <pre>
 * offset  size  field
 * 0       8     announcements: the writer's count of commits announced, big-endian; readers
 *               never read it, only the change (inotify's IN_MODIFY) matters
 * </pre>
 *
 * <ol>
 *   <li>A process that watches holds a shared lock on the whole file for as long as it watches
 *       ({@link WakeWatcher}); the system drops the lock when the process dies, kill -9 included.
 *   <li>A writer asks at most every 100 ms, not at every commit, whether anyone watches: it tries
 *       an exclusive lock and lets it go at once ({@link WakeAnnouncer}). While someone watches, it
 *       writes the 8 bytes after each commit (one {@code pwrite}); while nobody does, nothing.
 *   <li>The watching process's one {@link java.nio.file.WatchService} per directory (inotify on
 *       Linux) wakes the consumers of the log whose file changed ({@link
 *       dev.onelog.internal.write.CommitSignal#othersCommitted}); they then read {@code
 *       data_version} as they would have at the end of their wait.
 * </ol>
 *
 * <p>Correctness never depends on it: a consumer still looks at {@code data_version} on its
 * schedule, so a lost event, a writer that has not yet seen the new watcher (up to 100 ms), a
 * directory that cannot be created, or two processes with different {@code java.io.tmpdir} only
 * cost the wake-up its speed. Nothing here maps memory or spins, and nothing opens the database,
 * its {@code -wal} or {@code -shm}.
 */
package dev.onelog.internal.wake;
