package dev.onelog;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A child JVM running one of the test's main classes with this JVM's class path, as {@link
 * MultiProcessIT} starts {@link ChildAppender}: it speaks one line per event on stdout, and only
 * lines ended by a newline count, so a child killed in the middle of a line leaves no half event.
 * Each line is kept with the parent's {@link System#nanoTime()} when it arrived, so the parent can
 * time what a child did.
 *
 * <p>Thread-safe: a daemon thread per stream appends what the child prints; {@code lines} is
 * guarded by this object's monitor, which also signals each new line.
 */
final class ChildJvm implements AutoCloseable {
  /** A complete line of the child's stdout and when the parent read it. */
  record Line(String text, long arrivedNanos) {
    String[] fields() {
      return text.split(" ");
    }
  }

  private final String name;
  private final Process process;
  private final StringBuffer stderr = new StringBuffer();
  private final Thread stdoutReader;
  private final Thread stderrReader;

  /** Guarded by this. */
  private final List<Line> lines = new ArrayList<>();

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdoutReader = daemon(name + "-stdout", process.getInputStream(), this::onLine);
    this.stderrReader =
        daemon(name + "-stderr", process.getErrorStream(), l -> stderr.append(l).append('\n'));
  }

  /** Starts {@code mainClass} with {@code args} in a new JVM; {@code name} appears in failures. */
  static ChildJvm start(String name, Class<?> mainClass, List<String> args) throws IOException {
    return start(name, mainClass, args, Map.of());
  }

  /** Starts {@code mainClass} as {@link #start} does, with {@code environment} added to its own. */
  static ChildJvm start(
      String name, Class<?> mainClass, List<String> args, Map<String, String> environment)
      throws IOException {
    return start(name, List.of(), mainClass, args, environment);
  }

  /**
   * Starts {@code mainClass} as {@link #start} does, with {@code jvmOptions} (such as {@code
   * -Dname=value}) before the main class.
   */
  static ChildJvm start(
      String name,
      List<String> jvmOptions,
      Class<?> mainClass,
      List<String> args,
      Map<String, String> environment)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-Xmx256m"));
    command.addAll(jvmOptions);
    command.add(mainClass.getName());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    return new ChildJvm(name, builder.start());
  }

  String name() {
    return name;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends one line to the child's stdin. */
  void send(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    in.flush();
  }

  /**
   * SIGKILL (on Linux {@link Process#destroyForcibly} sends signal 9): no shutdown hook, no close,
   * whatever the child was doing, a commit included. Returns once the process is gone and every
   * line it printed before has been read.
   */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      fail(name + " survived SIGKILL for 10 s");
    }
    stdoutReader.join(TimeUnit.SECONDS.toMillis(10));
  }

  /** Every complete line so far, in order. */
  synchronized List<Line> lines() {
    return List.copyOf(lines);
  }

  /** Lines whose first word is {@code kind}, in order. */
  List<Line> lines(String kind) {
    return lines().stream().filter(l -> l.text().startsWith(kind + " ")).toList();
  }

  /**
   * Waits until a line matches, and returns the first that does.
   *
   * @throws AssertionError when none does within {@code timeout}, or the child ends without one
   */
  Line await(Predicate<Line> matches, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    synchronized (this) {
      while (true) {
        for (; checked < lines.size(); checked++) {
          if (matches.test(lines.get(checked))) {
            return lines.get(checked);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && !stdoutReader.isAlive())) {
          fail(name + " did not print " + what + " within " + timeout + "; " + describe());
        }
        wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
      }
    }
  }

  /** Waits for a line that is exactly {@code text}. */
  Line awaitLine(String text, Duration timeout) throws InterruptedException {
    return await(l -> l.text().equals(text), timeout, text);
  }

  /** Waits for the child to exit with status 0 and for the last of its output. */
  void awaitSuccess(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      fail(name + " still running after " + timeout + "; " + describe());
    }
    stdoutReader.join(TimeUnit.SECONDS.toMillis(10));
    if (process.exitValue() != 0) {
      fail(name + " exited with status " + process.exitValue() + "; " + describe());
    }
  }

  /**
   * Waits for the child to exit, however it ends, and for the last of its output; returns its exit
   * status (137 after a SIGKILL).
   */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      fail(name + " still running after " + timeout + "; " + describe());
    }
    stdoutReader.join(TimeUnit.SECONDS.toMillis(10));
    stderrReader.join(TimeUnit.SECONDS.toMillis(10));
    return process.exitValue();
  }

  /** What the child wrote to stderr so far. */
  String stderr() {
    return stderr.toString();
  }

  String describe() {
    List<Line> all = lines();
    List<String> last =
        all.subList(Math.max(0, all.size() - 8), all.size()).stream().map(Line::text).toList();
    return name
        + (process.isAlive() ? " (running)" : " (exit status " + process.exitValue() + ")")
        + ", "
        + all.size()
        + " lines, the last "
        + last
        + ", stderr: "
        + stderr;
  }

  /** Kills the child if it still runs, without waiting for its output. Idempotent. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void onLine(String text) {
    Line line = new Line(text, System.nanoTime());
    synchronized (this) {
      lines.add(line);
      notifyAll();
    }
  }

  private static Thread daemon(String name, InputStream in, Consumer<String> sink) {
    Thread thread = new Thread(() -> readLines(in, sink), name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void readLines(InputStream in, Consumer<String> sink) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            sink.accept(line.toString(StandardCharsets.UTF_8));
            line.reset();
          } else {
            line.write(buffer[i]);
          }
        }
      }
    } catch (IOException e) {
      // the process went away; what was read stands, a fragment after the last newline does not
    }
  }
}
