package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program other than Java working on a log file, for {@link FormatInteropIT}: {@code
 * src/test/python/format_interop.py} under {@code python3}, or the {@code sqlite3} command. Output
 * goes to files rather than pipes, so that a chatty child can never block on a full pipe while the
 * test waits for something else. Each instance is one test thread's.
 */
final class InteropProcess {
  private static final long TIMEOUT_SECONDS = 30;

  /** How a child ended: its exit status, its stdout as lines, its stderr. */
  record Result(int exitStatus, List<String> stdout, String stderr) {
    String describe() {
      return "exited " + exitStatus + "; stdout " + stdout + "; stderr " + stderr;
    }
  }

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private InteropProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Starts format_interop.py with these arguments; files for its output go in {@code dir}. */
  static InteropProcess startPython(Path dir, String... args) throws IOException {
    // failsafe runs with the module's directory as the working directory and sets basedir
    Path script = moduleDirectory().resolve("src/test/python/format_interop.py");
    assertTrue(Files.isRegularFile(script), "the script " + script + " exists");
    List<String> command = new ArrayList<>(List.of("python3", script.toString()));
    command.addAll(List.of(args));
    return start(
        dir, command, null, "this test needs python3 on the PATH: apt-get install -y python3");
  }

  /** Runs format_interop.py to its end. */
  static Result python(Path dir, String... args) throws IOException, InterruptedException {
    return startPython(dir, args).finish();
  }

  /** Whether a {@code sqlite3} command is on the PATH; tests use it when it is, never need it. */
  static boolean sqlite3Installed() {
    try {
      Process probe =
          new ProcessBuilder("sqlite3", "-version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Runs {@code sqlite3 -readonly -bail FILE} with {@code input} as its standard input, as a user
   * types or pastes it.
   */
  static Result sqlite3(Path dir, Path file, String input)
      throws IOException, InterruptedException {
    Path in = Files.createTempFile(dir, "sqlite3", ".in");
    Files.writeString(in, input, StandardCharsets.UTF_8);
    return start(
            dir,
            List.of("sqlite3", "-readonly", "-bail", file.toString()),
            in,
            "sqlite3 is on the PATH but does not run")
        .finish();
  }

  /** The core module's directory, where failsafe runs the tests. */
  static Path moduleDirectory() {
    return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  }

  private static InteropProcess start(Path dir, List<String> command, Path input, String advice)
      throws IOException {
    Path out = Files.createTempFile(dir, "child", ".out");
    Path err = Files.createTempFile(dir, "child", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(
                  ProcessBuilder.Redirect.from(
                      input == null ? new File("/dev/null") : input.toFile()))
              .start();
      return new InteropProcess(process, out, err);
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run " + command.get(0) + " (" + e.getMessage() + "); " + advice, e);
    }
  }

  /** Waits for the child to end, killing it after {@value #TIMEOUT_SECONDS} s. */
  Result finish() throws IOException, InterruptedException {
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(
          process.info().command().orElse("the child")
              + " did not finish within "
              + TIMEOUT_SECONDS
              + " s; stderr: "
              + Files.readString(stderr));
    }
    return new Result(
        process.exitValue(),
        Files.readAllLines(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }
}
