package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.onelog.LogInvariants;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.PartitionDescription;
import dev.onelog.ReadLimit;
import dev.onelog.TopicPartition;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the real shaded jar ({@code java -jar target/onelog.jar}) as a child process on one log
 * file, as a user would. Output goes to files, so a child never blocks on a full pipe.
 */
final class OneLogProcess implements BeforeEachCallback, AfterEachCallback {
  static final Path JAR =
      Path.of(System.getProperty("onelog.jar", "target/onelog.jar")).toAbsolutePath();
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final long TIMEOUT_SECONDS = 60;

  private Path dir;
  private Path file;
  private int runs;
  private boolean brokenOnPurpose;

  /**
   * Before each test: a fresh temporary directory, whose {@code onelog.db} the commands use and
   * which also holds each run's output files. Use with {@code @RegisterExtension}.
   */
  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("onelog-cli-test");
    file = dir.resolve("onelog.db");
    runs = 0;
    brokenOnPurpose = false;
  }

  /** After each test that passed: the log's invariants hold; then the directory goes. */
  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    try {
      if (context.getExecutionException().isEmpty()) {
        checkInvariants();
      }
    } finally {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  Path dir() {
    return dir;
  }

  Path file() {
    return file;
  }

  /** The test damaged the file or wrote a foreign one: skip {@link #checkInvariants()}. */
  void brokenOnPurpose() {
    brokenOnPurpose = true;
  }

  /** When the log file exists, its offsets, counters, CRCs and consumer group tables are sound. */
  void checkInvariants() {
    if (!brokenOnPurpose && Files.exists(file)) {
      LogInvariants.check(file);
    }
  }

  /**
   * Every record of the topic as the library reads it from the test's file, partition by partition,
   * in offset order; for checking what a command stored without going through another command.
   */
  List<LogRecord> stored(String topic) {
    List<LogRecord> records = new ArrayList<>();
    try (OneLog log = OneLog.open(file)) {
      for (PartitionDescription p : log.describeTopic(topic).partitions()) {
        long next = p.earliestOffset();
        while (next < p.nextOffset()) {
          List<LogRecord> read =
              log.read(TopicPartition.of(topic, p.partition()), next, ReadLimit.DEFAULT);
          records.addAll(read);
          next = read.get(read.size() - 1).offset() + 1;
        }
      }
    }
    return records;
  }

  /** The command line that runs the jar, for shell scripts: {@code java -jar /…/onelog.jar}. */
  static String shellCommand() {
    return "'" + JAVA + "' -jar '" + JAR + "'";
  }

  Result run(String... args) {
    return runWithInput(new byte[0], args);
  }

  Result runWithInput(String input, String... args) {
    return runWithInput(input.getBytes(StandardCharsets.UTF_8), args);
  }

  /** Runs {@code onelog --file FILE args...} with {@code input} on standard input. */
  Result runWithInput(byte[] input, String... args) {
    return execute(command(args), input);
  }

  /**
   * Runs a bash script in the test's directory, in which the function {@code onelog} runs the jar
   * on the test's log file: {@code seq 10 | onelog produce t}.
   */
  Result bash(String script) {
    String function = "onelog() { " + shellCommand() + " --file '" + file + "' \"$@\"; }; ";
    return execute(List.of("bash", "-c", function + script), new byte[0]);
  }

  /** Starts a long-running command (consume --follow); the caller destroys it. */
  Process start(String... args) throws IOException {
    return new ProcessBuilder(command(args))
        .directory(dir.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  /** The command line that runs {@code onelog --file <this file> args}. */
  List<String> command(String... args) {
    List<String> command =
        new ArrayList<>(List.of(JAVA, "-jar", JAR.toString(), "--file", file.toString()));
    command.addAll(List.of(args));
    return command;
  }

  private Result execute(List<String> command, byte[] input) {
    assertTrue(Files.isRegularFile(JAR), JAR + " is missing; run 'mvn package' first");
    int run = ++runs;
    Path stdout = dir.resolve("run-" + run + ".out");
    Path stderr = dir.resolve("run-" + run + ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(input);
      } catch (IOException e) {
        // The command may exit without reading all of its input (an error on line 1).
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("timed out after " + TIMEOUT_SECONDS + " s: " + command);
      }
      return new Result(process.exitValue(), Files.readAllBytes(stdout), Files.readString(stderr));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  /** What a run printed and its exit status. */
  record Result(int exitCode, byte[] stdoutBytes, String stderr) {
    String stdout() {
      return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    List<String> lines() {
      return stdout().lines().toList();
    }

    /** Asserts success and returns this result. */
    Result ok() {
      assertEquals(0, exitCode, () -> "exit status; stderr: " + stderr);
      return this;
    }

    /**
     * Asserts that the run failed with {@code status} and printed exactly one line, {@code onelog:
     * ...}, on standard error and no stack trace; returns the message.
     */
    String failsWith(int status) {
      assertEquals(
          status, exitCode, () -> "exit status; stdout: " + stdout() + "; stderr: " + stderr);
      assertTrue(stderr.startsWith("onelog: "), () -> "stderr starts with 'onelog: ': " + stderr);
      assertEquals(1, stderr.lines().count(), () -> "one line on stderr: " + stderr);
      assertFalse(
          stderr.contains("Exception") || stderr.contains("\tat "),
          () -> "no stack trace: " + stderr);
      return stderr.strip();
    }
  }
}
