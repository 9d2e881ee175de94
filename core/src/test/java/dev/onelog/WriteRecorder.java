package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code core/src/test/c/write_recorder.c}, built with the machine's C compiler and preloaded into
 * a child JVM running {@link ChildAckWriter}: the child's writes, fsyncs, truncates and unlinks of
 * the files in its directory go to an operations log ({@link RecordedWrites} reads it), and the
 * recorder can fail the Nth fsync or write with EIO. Used by {@link PowerLossIT} and {@link
 * IoErrorIT}.
 */
final class WriteRecorder {
  private final Path library;

  private WriteRecorder(Path library) {
    this.library = library;
  }

  /** Guarded by the class. */
  private static WriteRecorder shared;

  /**
   * The recorder, built once per test JVM into a temporary directory that is deleted when the JVM
   * exits.
   */
  static synchronized WriteRecorder shared() throws Exception {
    if (shared == null) {
      Path dir = Files.createTempDirectory("write-recorder");
      shared = build(dir);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      Files.deleteIfExists(shared.library);
                      Files.deleteIfExists(dir);
                    } catch (java.io.IOException e) {
                      // a temporary directory left behind
                    }
                  }));
    }
    return shared;
  }

  /** Builds the recorder into {@code dir}. */
  static WriteRecorder build(Path dir) throws Exception {
    Path library = dir.resolve("write_recorder.so");
    Process cc =
        new ProcessBuilder(
                "cc",
                "-shared",
                "-fPIC",
                "-O2",
                "-o",
                library.toString(),
                Path.of("src/test/c/write_recorder.c").toAbsolutePath().toString(),
                "-ldl",
                "-lpthread")
            .redirectErrorStream(true)
            .start();
    String output = new String(cc.getInputStream().readAllBytes());
    assertEquals(0, cc.waitFor(), "cc failed building the write recorder: " + output);
    return new WriteRecorder(library);
  }

  /** The built recorder, for {@code LD_PRELOAD}. */
  Path library() {
    return library;
  }

  /** What a recorded child printed, and where its files and operations log are. */
  record Run(Path file, Path operations, List<String> output) {
    RecordedWrites writes() throws java.io.IOException {
      return RecordedWrites.read(operations);
    }
  }

  /**
   * Runs {@link ChildAckWriter} on a new log in {@code dir}/recorded with {@code count} records in
   * {@code mode}, under the recorder with the extra environment {@code failures} (for example
   * ONELOG_FAIL_FSYNC=3), and waits for it to exit with status 0.
   */
  Run run(Path dir, Durability mode, int count, Map<String, String> failures) throws Exception {
    Path recorded = Files.createDirectories(dir.resolve("recorded"));
    Path operations = dir.resolve("operations.log");
    Path file = recorded.resolve("log.db");
    ProcessBuilder child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-XX:TieredStopAtLevel=1",
                "-Xmx256m",
                ChildAckWriter.class.getName(),
                file.toString(),
                recorded.resolve("acks").toString(),
                mode.name(),
                Integer.toString(count))
            .redirectErrorStream(true);
    child.environment().put("LD_PRELOAD", library.toString());
    child.environment().put("ONELOG_RECORD_DIR", recorded + "/");
    child.environment().put("ONELOG_RECORD_LOG", operations.toString());
    child.environment().putAll(failures);
    Process process = child.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the recorded child did not finish");
    assertEquals(0, process.exitValue(), "the recorded child failed: " + output);
    return new Run(file, operations, new ArrayList<>(output.lines().toList()));
  }
}
