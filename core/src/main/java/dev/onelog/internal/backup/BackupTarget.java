package dev.onelog.internal.backup;

import dev.onelog.FileAccessException;
import dev.onelog.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a backup goes: checks the destination before anything is copied, names the temporary file
 * beside it that SQLite copies into, and at the end either puts the finished copy in place with one
 * atomic step or deletes the temporary file and whatever SQLite left beside it. So the destination
 * is never a half-written file: it is absent (or the old file, when replacing) until the copy is
 * complete and synced, and the complete copy afterwards.
 *
 * <p>A destination is refused when it is the log's own file or one of its {@code -wal}, {@code
 * -shm} or {@code -journal} files (a rename over the live WAL would lose commits), when it exists
 * and replacing was not asked for, and when a {@code -wal}, {@code -shm} or {@code -journal} file
 * lies beside it: SQLite would take such a file for the copy's own and apply it on the first open,
 * corrupting the copy.
 *
 * <p>Only {@code stat}-like calls, links and renames touch these paths, never a read or write with
 * Java I/O: the destination could be a database some process has open, and closing a Java handle on
 * it would drop that process's POSIX locks.
 *
 * <p>Not thread-safe: one backup uses it, on the caller's thread; {@link #discard} may also run on
 * the copy's thread, and deleting twice is harmless.
 */
final class BackupTarget {
  /** The files SQLite may keep beside a database. */
  private static final List<String> SIDE_FILES = List.of("-journal", "-wal", "-shm");

  /** A database and the files beside it. */
  private static final List<String> ALL_SUFFIXES = List.of("", "-journal", "-wal", "-shm");

  /** Numbers temporary files within this process; the pid separates processes. */
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final Path destination;
  private final Path temporary;
  private final boolean replace;

  private BackupTarget(Path destination, Path temporary, boolean replace) {
    this.destination = destination;
    this.temporary = temporary;
    this.replace = replace;
  }

  /**
   * Checks {@code destination} against the log's file {@code source}, then creates the empty
   * temporary file beside it that SQLite copies into; {@link #discard} deletes it.
   *
   * @throws FileAccessException naming what is wrong with the destination and what would be right
   */
  static BackupTarget prepare(Path source, Path destination, boolean replace) {
    Path target = destination.toAbsolutePath().normalize();
    Path directory = target.getParent();
    if (directory == null) {
      throw new FileAccessException(
          target + " is not a file path; back up to a file such as /backups/onelog.db");
    }
    if (!Files.isDirectory(directory)) {
      throw new FileAccessException(
          "directory "
              + directory
              + " does not exist; create it first, or back up to a file in an existing directory");
    }
    if (Files.isDirectory(target)) {
      throw new FileAccessException(
          target
              + " is a directory; a backup is a file: choose a file path such as "
              + target.resolve(source.getFileName()));
    }
    refuseTheLogsOwnFiles(source, target, directory);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !replace) {
      throw exists(target);
    }
    for (String suffix : SIDE_FILES) {
      Path side = sibling(target, suffix);
      if (Files.exists(side, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAccessException(
            side
                + " exists beside "
                + target
                + ": a database there is open in some process or was not closed cleanly, and"
                + " SQLite would apply "
                + side.getFileName()
                + " to the backup when it is first opened. Close that database, or delete "
                + side
                + " if nothing has it open, or back up to another path");
      }
    }
    return new BackupTarget(target, createTemporary(source, target), replace);
  }

  Path destination() {
    return destination;
  }

  Path temporary() {
    return temporary;
  }

  /**
   * Puts the finished copy in place: replacing, with one {@code rename(2)}, which swaps the old
   * file for the new atomically; otherwise with {@code link(2)}, which fails rather than replace a
   * file that appeared during the copy, then removes the temporary name. Then syncs the directory,
   * so that the new name survives power loss as SQLite's commit made the content survive it.
   *
   * @param expectedBytes the copy's size by SQLite's page count; the file must have exactly this
   *     size
   */
  void publish(long expectedBytes) {
    try {
      long actual = Files.size(temporary);
      if (actual != expectedBytes) {
        throw new StorageException(
            "the backup's temporary file "
                + temporary
                + " holds "
                + actual
                + " bytes, not the "
                + expectedBytes
                + " bytes SQLite copied; it was not put in place",
            null);
      }
      if (replace) {
        Files.move(temporary, destination, StandardCopyOption.ATOMIC_MOVE);
      } else {
        linkThenUnlink();
      }
    } catch (IOException e) {
      throw new FileAccessException(
          "cannot put the backup in place at "
              + destination
              + " ("
              + e
              + "); nothing was written there. Check the directory's permissions and space",
          e);
    }
    syncDirectory(destination.getParent());
  }

  private void linkThenUnlink() throws IOException {
    try {
      Files.createLink(destination, temporary);
    } catch (FileAlreadyExistsException e) {
      throw exists(destination);
    } catch (UnsupportedOperationException | IOException e) {
      // A file system without hard links (FAT, some network and FUSE mounts): check, then rename.
      // A file created at the destination between the two would be replaced; nothing better is
      // portable (renameat2's RENAME_NOREPLACE is not reachable from Java).
      if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
        throw exists(destination);
      }
      Files.move(temporary, destination, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    Files.delete(temporary);
  }

  /**
   * Deletes the temporary file and any journal, WAL or shared-memory file SQLite left beside it.
   * Failures to delete are added to {@code failure} as suppressed.
   */
  void discard(Throwable failure) {
    for (String suffix : ALL_SUFFIXES) {
      try {
        Files.deleteIfExists(sibling(temporary, suffix));
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }

  private static void refuseTheLogsOwnFiles(Path source, Path target, Path directory) {
    try {
      Path realSource = source.toRealPath();
      Path realTarget = directory.toRealPath().resolve(target.getFileName());
      for (String suffix : ALL_SUFFIXES) {
        if (realTarget.equals(sibling(realSource, suffix))) {
          throw new FileAccessException(
              target
                  + (suffix.isEmpty()
                      ? " is the log's own file"
                      : " is the log's " + suffix + " file")
                  + "; a backup must go to another file, such as "
                  + sibling(target, ".backup"));
        }
      }
      if (Files.exists(target) && Files.isSameFile(target, realSource)) {
        throw new FileAccessException(
            target
                + " is the log's own file "
                + realSource
                + " under another name (a link); a backup must go to another file");
      }
    } catch (IOException e) {
      throw new FileAccessException(
          "cannot compare " + target + " with the log's file " + source + ": " + e, e);
    }
  }

  private static FileAccessException exists(Path target) {
    return new FileAccessException(
        target
            + " exists; a backup replaces a file only when asked: delete it first, or back up with"
            + " BackupOptions.defaults().replaceExisting()");
  }

  /**
   * Creates {@code <destination>.tmp-<pid>-<n>}, empty, with the log's permission bits plus the
   * owner's read and write (as {@code cp} gives a copy its source's), so that the copy is never
   * readable by more users than the log, not even while it is written: SQLite takes an empty file
   * for a new database and gives its journal the same bits. Creating it claims the name against
   * another backup; a name with a side file left by a killed backup is skipped.
   */
  private static Path createTemporary(Path source, Path target) {
    FileAttribute<?>[] permissions = permissionsFor(source);
    long pid = ProcessHandle.current().pid();
    while (true) {
      Path candidate = sibling(target, ".tmp-" + pid + "-" + SEQUENCE.incrementAndGet());
      boolean free = true;
      for (String suffix : SIDE_FILES) {
        free &= !Files.exists(sibling(candidate, suffix), LinkOption.NOFOLLOW_LINKS);
      }
      if (!free) {
        continue;
      }
      try {
        return Files.createFile(candidate, permissions);
      } catch (FileAlreadyExistsException e) {
        // taken by another backup, or left by a killed one: try the next number
      } catch (IOException e) {
        throw new FileAccessException(
            "cannot create the backup's temporary file "
                + candidate
                + " ("
                + e
                + "); make directory "
                + target.getParent()
                + " writable, or back up to another directory",
            e);
      }
    }
  }

  private static FileAttribute<?>[] permissionsFor(Path source) {
    try {
      Set<PosixFilePermission> bits = EnumSet.copyOf(Files.getPosixFilePermissions(source));
      bits.add(PosixFilePermission.OWNER_READ);
      bits.add(PosixFilePermission.OWNER_WRITE);
      return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(bits)};
    } catch (UnsupportedOperationException e) {
      return new FileAttribute<?>[0]; // not a POSIX file system: its default permissions
    } catch (IOException e) {
      throw new FileAccessException(
          "cannot read the permissions of " + source + " to give them to its backup: " + e, e);
    }
  }

  /**
   * Syncs a directory's entries; where a directory cannot be opened, the rename is as durable as
   * that platform makes it.
   */
  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Not every platform opens directories (Windows); Linux and macOS do, and there it works.
    }
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }
}
