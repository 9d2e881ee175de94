package dev.onelog.internal.wake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Where a log's wake file lives: {@code <java.io.tmpdir>/onelog-wake-<user.name>/<hash>}, where
 * {@code <hash>} is the first 16 bytes, in hex, of the SHA-256 of the log's real path, so that
 * every name of one file (a symbolic link, a relative path) finds the same wake file and no name
 * reveals the log's path. Not beside the log: the log stays one file, and the watcher's directory
 * sees no {@code -wal} traffic. The directory is the user's only (rwx------ where POSIX permissions
 * exist). Stateless and thread-safe.
 */
public final class WakeFiles {
  static final int HASH_BYTES = 16;

  private WakeFiles() {}

  /**
   * The wake file of the log at {@code log}, under this JVM's {@code java.io.tmpdir} and for its
   * {@code user.name}; empty when the log's real path cannot be resolved.
   */
  public static Optional<Path> of(Path log) {
    return of(log, Path.of(System.getProperty("java.io.tmpdir")), System.getProperty("user.name"));
  }

  static Optional<Path> of(Path log, Path tmpdir, String user) {
    Path real;
    try {
      real = log.toRealPath();
    } catch (IOException e) {
      return Optional.empty();
    }
    String safeUser = user == null ? "unknown" : user.replaceAll("[^A-Za-z0-9._-]", "_");
    return Optional.of(tmpdir.resolve("onelog-wake-" + safeUser).resolve(hash(real.toString())));
  }

  /**
   * Creates the wake file's directory when it is missing.
   *
   * @throws IOException when it cannot be created, or the name is taken by something else than a
   *     directory (a symbolic link included)
   */
  static void prepareDirectory(Path wakeFile) throws IOException {
    Path dir = wakeFile.getParent();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
          Files.createDirectory(
              dir,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectory(dir);
        }
      } catch (FileAlreadyExistsException e) {
        // another process made it meanwhile, or something else has the name: checked below
      }
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory; wake-up falls back to polling");
    }
  }

  private static String hash(String realPath) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(realPath.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, HASH_BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
