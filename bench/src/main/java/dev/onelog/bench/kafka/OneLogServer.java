package dev.onelog.bench.kafka;

import dev.onelog.bench.ScenarioRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code onelog serve} in a child JVM ({@link ServeMain}), for the same Kafka-client scenarios as
 * {@link KafkaBroker}: a fresh log file in a new folder under the benchmark's work dir, given the
 * same heap as the broker, and the JVM options {@code onelog serve} runs with. Closing it closes
 * the child's standard input, which closes the server and the log, and deletes the folder. Not
 * thread-safe.
 */
public final class OneLogServer implements AutoCloseable {
  private static final String HEAP = "1g";

  private final Path dir;
  private final Process process;
  private final String bootstrap;

  private OneLogServer(Path dir, Process process, String bootstrap) {
    this.dir = dir;
    this.process = process;
    this.bootstrap = bootstrap;
  }

  /** Starts a server on a new log with {@code durability} (FSYNC or NORMAL) and waits for it. */
  public static OneLogServer start(Path parentDir, String durability) throws Exception {
    Path dir = Files.createTempDirectory(parentDir, "serve-");
    List<String> command = ScenarioRunner.javaCommand(HEAP, ServeMain.class.getName());
    command.add(1, "-Xms" + HEAP);
    command.addAll(1, serveJvmOptions());
    String extra = System.getenv("SERVE_JAVA_OPTS");
    if (extra != null) {
      for (String o : extra.split(" ")) command.add(1, o.replace("DUR", durability));
    }
    command.add(dir.resolve("served.db").toString());
    command.add(durability);
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String ready;
    try {
      ready =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      // A JVM agent (a profiler) may print before the server does.
                      String line = out.readLine();
                      while (line != null && !line.startsWith("READY ")) {
                        line = out.readLine();
                      }
                      return line;
                    } catch (IOException e) {
                      return null;
                    }
                  })
              .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("onelog serve did not start within 60 s", e);
    }
    if (ready == null || !ready.startsWith("READY ")) {
      process.destroyForcibly();
      throw new IllegalStateException("onelog serve did not start: " + ready);
    }
    return new OneLogServer(dir, process, ready.substring("READY ".length()));
  }

  /** The JVM options {@code onelog serve} runs with (the kafka module's serve.jvm-options). */
  static List<String> serveJvmOptions() throws IOException {
    String name = "/dev/onelog/kafka/serve.jvm-options";
    try (InputStream in = OneLogServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException(name + " is missing from the kafka module's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .toList();
    }
  }

  /** The server's process id. */
  public long pid() {
    return process.pid();
  }

  public String bootstrap() {
    return bootstrap;
  }

  @Override
  public void close() throws IOException {
    process.getOutputStream().close();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    ScenarioRunner.deleteRecursively(dir);
  }
}
