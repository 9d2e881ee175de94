package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A long-running {@code onelog consume TOPIC --group G --follow} child process, a member of a
 * consumer group. Its standard output is read line by line on an executor, so that the test can
 * wait for lines while the child runs; {@link #stop} joins the reader, so that a failure to read
 * fails the test.
 */
final class Member implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final Future<?> reading;

  /** Guarded by itself. */
  private final List<String> lines = new ArrayList<>();

  private Member(Process process) {
    this.process = process;
    this.reading = executor.submit(this::readLines);
  }

  /** Starts {@code onelog consume TOPIC --group GROUP --follow} with the extra options. */
  static Member start(OneLogProcess onelog, String topic, String group, String... options)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("consume", topic, "--group", group, "--follow"));
    args.addAll(List.of(options));
    return new Member(onelog.start(args.toArray(String[]::new)));
  }

  private Void readLines() throws IOException {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        synchronized (lines) {
          lines.add(line);
        }
      }
    }
    return null;
  }

  /** What it printed so far. */
  List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /**
   * Sends SIGTERM, as {@code kill} does, and waits for the process to end and its output to be
   * read; returns how long it took to end, in milliseconds. Signals through the process handle:
   * {@code Process.destroy} would also close our end of its standard output, losing what it prints
   * while it stops.
   */
  long stop() throws Exception {
    long start = System.nanoTime();
    process.toHandle().destroy();
    assertTrue(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "ends on SIGTERM");
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    reading.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return tookMs;
  }

  /** Sends SIGKILL: the member ends without committing or leaving its group. */
  void kill() throws Exception {
    process.toHandle().destroyForcibly();
    assertTrue(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "ends on SIGKILL");
    reading.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the process if the test left it running. */
  @Override
  public void close() {
    process.destroyForcibly();
    executor.shutdownNow();
  }

  /**
   * Waits until {@code onelog groups describe GROUP --json} satisfies {@code condition}; returns
   * that description.
   */
  static JsonNode awaitGroup(
      OneLogProcess onelog, String group, String what, Predicate<JsonNode> condition)
      throws InterruptedException {
    JsonNode[] last = {null};
    await(
        () -> what + "; the group was " + last[0],
        () -> {
          OneLogProcess.Result result = onelog.run("groups", "describe", group, "--json");
          if (result.exitCode() != 0) {
            return false; // not created yet
          }
          try {
            last[0] = JSON.readTree(result.stdout());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return condition.test(last[0]);
        });
    return last[0];
  }

  /** Whether every live member of the described group holds {@code partitions} partitions. */
  static boolean eachMemberHolds(JsonNode group, int members, int partitions) {
    if (!"STABLE".equals(group.get("state").asText()) || group.get("members").size() != members) {
      return false;
    }
    for (JsonNode member : group.get("members")) {
      if (member.get("holds").size() != partitions) {
        return false;
      }
    }
    return true;
  }

  /** Waits until {@code condition} holds, checking every 20 ms; fails after {@link #TIMEOUT}. */
  static void await(Supplier<String> what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what.get());
      }
      Thread.sleep(20);
    }
  }
}
