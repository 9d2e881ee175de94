package dev.onelog.bench.groups;

import dev.onelog.bench.ScenarioRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a {@code main} of this package with this JVM's java and class path. A daemon
 * thread reads its standard output, one event a line ({@code TYPE arg...}), into a queue shared by
 * all children, tagged with the child's index; it adds an {@code EXIT} event when the output ends.
 * Its standard error goes to this process's. Lines go to its standard input with {@link #tell}.
 *
 * <p>Used by the scenario's thread; the reader thread only adds to the queue.
 */
final class MemberProcess implements AutoCloseable {
  /** One line a child printed, split on spaces; {@code type} is its first word. */
  record Event(int child, String type, List<String> args) {
    long nanos() {
      return Long.parseLong(args.get(0));
    }
  }

  private final int index;
  private final Process process;
  private final Writer stdin;

  private MemberProcess(int index, Process process) {
    this.index = index;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  static MemberProcess start(
      int index, String maxHeap, Class<?> main, List<String> args, BlockingQueue<Event> events)
      throws IOException {
    List<String> command = ScenarioRunner.javaCommand(maxHeap, main.getName());
    command.addAll(args);
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    MemberProcess child = new MemberProcess(index, process);
    Thread reader =
        new Thread(() -> child.readEvents(events), main.getSimpleName() + "-" + index + "-out");
    reader.setDaemon(true);
    reader.start();
    return child;
  }

  private void readEvents(BlockingQueue<Event> events) {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        String[] words = line.split(" ");
        if (words[0].matches("[A-Z]+")) {
          events.add(
              new Event(index, words[0], List.of(Arrays.copyOfRange(words, 1, words.length))));
        } else {
          System.err.println("  [member process " + index + "] " + line);
        }
      }
    } catch (IOException e) {
      System.err.println("  [member process " + index + "] output ended: " + e);
    }
    events.add(new Event(index, "EXIT", new ArrayList<>()));
  }

  int index() {
    return index;
  }

  /** Writes one line to the child's standard input. */
  void tell(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  /** Kills the child with SIGKILL: {@code destroyForcibly} on Linux. */
  void kill() {
    process.destroyForcibly();
  }

  /** Waits for the child to exit; kills it when it has not within {@code seconds}. */
  int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
      throw new IllegalStateException(
          "member process " + index + " did not exit within " + seconds + " s; killed it");
    }
    return process.exitValue();
  }

  /** Kills the child if it still runs: a scenario that failed leaves no JVM behind. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
