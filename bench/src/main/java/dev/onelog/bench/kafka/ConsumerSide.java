package dev.onelog.bench.kafka;

import dev.onelog.bench.Json;
import dev.onelog.bench.ScenarioMain;
import dev.onelog.bench.ScenarioRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where {@code kafka-latency}'s {@link LatencyConsumer} runs: a thread of the scenario's JVM, or a
 * JVM of its own. Either way the factory returns once the consumer is positioned at the end of the
 * topic; {@link #go} lets it start polling; {@link #figures} waits for its result. Used by the
 * scenario's one thread.
 */
sealed interface ConsumerSide extends AutoCloseable {
  /**
   * Lets the consumer start: latencies of records stamped before {@code warmUpEndNanos} are not
   * recorded.
   */
  void go(long warmUpEndNanos, long deadlineNanos) throws IOException;

  /**
   * Waits for the consumer to receive every record and returns its {@link LatencyConsumer#consume}
   * figures.
   */
  Map<String, Object> figures() throws IOException, InterruptedException, ExecutionException;

  /** Stops the consumer if it is still running, and waits for it to end. */
  @Override
  void close();

  static ConsumerSide onThread(String bootstrap, BenchTopic topic, long records)
      throws InterruptedException, ExecutionException {
    return OnThread.start(bootstrap, topic, records);
  }

  static ConsumerSide inChildJvm(String bootstrap, BenchTopic topic, long records)
      throws IOException {
    return InChildJvm.start(bootstrap, topic, records);
  }

  /** The consumer on a daemon thread of this JVM; it opens, polls and closes its consumer there. */
  final class OnThread implements ConsumerSide {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Thread thread;
    private final AtomicReference<LatencyConsumer> consumer;
    private final CompletableFuture<long[]> go;
    private final CompletableFuture<Map<String, Object>> result;

    private OnThread(
        Thread thread,
        AtomicReference<LatencyConsumer> consumer,
        CompletableFuture<long[]> go,
        CompletableFuture<Map<String, Object>> result) {
      this.thread = thread;
      this.consumer = consumer;
      this.go = go;
      this.result = result;
    }

    static OnThread start(String bootstrap, BenchTopic topic, long records)
        throws InterruptedException, ExecutionException {
      AtomicReference<LatencyConsumer> consumer = new AtomicReference<>();
      CompletableFuture<Void> ready = new CompletableFuture<>();
      CompletableFuture<long[]> go = new CompletableFuture<>();
      CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
      int partitions = topic.partitions().size();
      Thread thread =
          new Thread(
              () -> {
                try (LatencyConsumer opened =
                    LatencyConsumer.openAtEnd(bootstrap, topic.name(), partitions)) {
                  consumer.set(opened);
                  ready.complete(null);
                  long[] times = go.get();
                  result.complete(opened.consume(records, times[0], times[1]));
                } catch (Exception | Error e) {
                  ready.completeExceptionally(e);
                  result.completeExceptionally(e);
                }
              },
              "kafka-latency-consumer");
      thread.setDaemon(true);
      thread.start();
      OnThread side = new OnThread(thread, consumer, go, result);
      try {
        ready.get();
        return side;
      } catch (InterruptedException | ExecutionException e) {
        side.close();
        throw e;
      }
    }

    @Override
    public void go(long warmUpEndNanos, long deadlineNanos) {
      go.complete(new long[] {warmUpEndNanos, deadlineNanos});
    }

    @Override
    public Map<String, Object> figures() throws InterruptedException, ExecutionException {
      return result.get();
    }

    @Override
    public void close() {
      go.cancel(false);
      LatencyConsumer running = consumer.get();
      if (running != null) {
        running.stop();
      }
      try {
        thread.join(STOP_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The consumer in a child JVM running {@link LatencyConsumer#main}; its standard error is this
   * JVM's.
   */
  final class InChildJvm implements ConsumerSide {
    private static final String HEAP = "256m";
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final BufferedReader out;

    private InChildJvm(Process process) {
      this.process = process;
      this.out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static InChildJvm start(String bootstrap, BenchTopic topic, long records) throws IOException {
      List<String> command =
          new ArrayList<>(ScenarioRunner.javaCommand(HEAP, LatencyConsumer.class.getName()));
      command.addAll(
          List.of(
              bootstrap,
              topic.name(),
              Integer.toString(topic.partitions().size()),
              Long.toString(records)));
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      InChildJvm side = new InChildJvm(process);
      try {
        side.readUntil(LatencyConsumer.READY);
        return side;
      } catch (IOException | RuntimeException e) {
        side.close();
        throw e;
      }
    }

    @Override
    public void go(long warmUpEndNanos, long deadlineNanos) throws IOException {
      Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      in.write(LatencyConsumer.GO + " " + warmUpEndNanos + " " + deadlineNanos + "\n");
      in.flush();
    }

    @Override
    public Map<String, Object> figures() throws IOException, InterruptedException {
      String line = readUntil(ScenarioMain.RESULT_PREFIX);
      Map<String, Object> figures =
          new LinkedHashMap<>(Json.parse(line.substring(ScenarioMain.RESULT_PREFIX.length())));
      // Json reads every number as a double; a count reads better whole.
      figures.computeIfPresent("latencyCount", (key, count) -> Math.round((Double) count));
      if (!process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          || process.exitValue() != 0) {
        throw new IllegalStateException(
            "the consumer JVM printed its figures but did not exit cleanly");
      }
      return figures;
    }

    /**
     * Returns the first line starting with {@code prefix}; passes the lines before it to standard
     * error.
     */
    private String readUntil(String prefix) throws IOException {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith(prefix)) {
          return line;
        }
        System.err.println("  [latency consumer] " + line);
      }
      throw new IllegalStateException(
          "the consumer JVM ended without printing '"
              + prefix.trim()
              + "' (exit "
              + exitValueAfterEnd()
              + "); see its output above");
    }

    private int exitValueAfterEnd() {
      try {
        process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return process.isAlive() ? -1 : process.exitValue(); // -1: still running
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      try {
        process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        out.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // Nothing more will be read from it.
      }
    }
  }
}
