package dev.onelog.bench.kafka;

import dev.onelog.bench.ScenarioRunner;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker in KRaft mode (one process that is both broker and controller),
 * run as a child JVM with the benchmark's class path, listening on 127.0.0.1 only. Thread-safe:
 * {@link #bootstrap()} from any thread, {@link #close()} once or more from any.
 *
 * <p>{@link #start} does what an operator following Kafka's quickstart does: writes a {@code
 * server.properties}, formats the storage with {@code kafka.tools.StorageTool format --standalone}
 * (what {@code kafka-storage.sh} runs), then starts {@code kafka.Kafka} with the JVM options of
 * {@code kafka-server-start.sh} (1 GiB heap, G1 with a 20 ms pause goal). It returns once an admin
 * client sees the broker in the cluster.
 *
 * <p>Everything lives in one temporary folder under the caller's directory, deleted on close:
 *
 * <pre>
 *   kafka-NNNN/
 *     server.properties   the broker's configuration
 *     broker.log          the storage tool's and the broker's output (both streams)
 *     data/               log.dirs: the partitions and the __cluster_metadata log
 * </pre>
 *
 * <p>The broker logs through slf4j-simple, which {@code mvn package} copies into {@code
 * target/broker-lib/} and only the broker's JVM sees: every other benchmark JVM keeps slf4j-nop, so
 * that no client library prints into a measurement. A startup failure quotes the tail of {@code
 * broker.log}.
 */
public final class KafkaBroker implements AutoCloseable {
  /** When the broker forces appended records to disk. */
  public enum Flush {
    /**
     * Kafka's default: never by itself; the OS writes dirty pages back when it likes. Kafka's
     * durability comes from replication, which a single node does not have.
     */
    PAGE_CACHE,
    /**
     * {@code log.flush.interval.messages=1} (topic config {@code flush.messages=1}): the broker
     * fsyncs the partition's segment and indexes after every append, before it acknowledges.
     */
    EVERY_MESSAGE;

    /** The flush that keeps the benchmark's durability promise: {@code FSYNC} or {@code NORMAL}. */
    public static Flush forDurability(String durability) {
      return switch (durability) {
        case "FSYNC" -> EVERY_MESSAGE;
        case "NORMAL" -> PAGE_CACHE;
        default ->
            throw new IllegalArgumentException(
                "durability '" + durability + "' is neither FSYNC nor NORMAL");
      };
    }
  }

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  private static final String HOST = "127.0.0.1";
  private static final String HEAP = "1g";
  private static final int NODE_ID = 1;
  private static final int LOG_TAIL_LINES = 40;

  private final Path dir;
  private final Process process;
  private final Thread killOnExit;
  private final String bootstrap;
  private final Flush flush;
  private boolean closed; // guarded by this

  private KafkaBroker(Path dir, Process process, Thread killOnExit, String bootstrap, Flush flush) {
    this.dir = dir;
    this.process = process;
    this.killOnExit = killOnExit;
    this.bootstrap = bootstrap;
    this.flush = flush;
  }

  /**
   * Formats and starts a broker in a new folder under {@code parentDir} (put it on the disk the
   * benchmark measures), and waits until it serves clients.
   *
   * @throws IllegalStateException if formatting fails, or the broker exits or does not serve within
   *     90 s; the message quotes the end of its log, since the folder holding it is deleted:
   *     nothing is left behind
   * @throws IOException if the folder, the configuration or a process cannot be created
   */
  public static KafkaBroker start(Path parentDir, Flush flush)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory(parentDir, "kafka-");
    Process process = null;
    Thread killOnExit = null;
    try {
      int[] ports = freePorts(2);
      String brokerAddress = HOST + ":" + ports[0];
      String controllerAddress = HOST + ":" + ports[1];
      Path config = dir.resolve("server.properties");
      writeConfig(config, dir.resolve("data"), brokerAddress, controllerAddress, flush);
      Path log = dir.resolve("broker.log");
      Optional<Path> logger = brokerLogger();
      Files.writeString(
          log,
          logger.isPresent()
              ? "# broker output; Kafka logs through " + logger.get() + "\n"
              : "# broker output; Kafka's own logging is off: no slf4j-simple jar in target/broker-lib (run mvn package)\n",
          StandardCharsets.UTF_8);

      formatStorage(config, log, logger);

      List<String> command = javaCommand(HEAP, "kafka.Kafka", logger);
      // kafka-server-start.sh fixes the heap: -Xms equal to -Xmx.
      command.add(1, "-Xms" + HEAP);
      command.add(config.toString());
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      Process started = process;
      // A benchmark stopped with Ctrl-C must not leave a broker holding ports and disk behind.
      killOnExit = new Thread(() -> destroyTree(started), "kafka-broker-kill-on-exit");
      Runtime.getRuntime().addShutdownHook(killOnExit);

      awaitServing(process, brokerAddress, log);
      return new KafkaBroker(dir, process, killOnExit, brokerAddress, flush);
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (process != null) {
        stop(process);
        removeHook(killOnExit);
      }
      ScenarioRunner.deleteRecursively(dir);
      throw e;
    }
  }

  /**
   * {@code 127.0.0.1:port}, for {@code bootstrap.servers} and the scenarios' {@code bootstrap}
   * extra.
   */
  /** The server's process id. */
  public long pid() {
    return process.pid();
  }

  public String bootstrap() {
    return bootstrap;
  }

  public Flush flush() {
    return flush;
  }

  /**
   * Stops the broker (SIGTERM, then SIGKILL after 30 s), waits for it and its descendants to end,
   * and deletes its folder. Idempotent.
   *
   * @throws UncheckedIOException if the folder cannot be deleted
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop(process);
    removeHook(killOnExit);
    try {
      ScenarioRunner.deleteRecursively(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete the Kafka broker's folder " + dir, e);
    }
  }

  @Override
  public String toString() {
    return "KafkaBroker{"
        + bootstrap
        + ", flush="
        + flush
        + ", dir="
        + dir
        + ", alive="
        + process.isAlive()
        + "}";
  }

  private static void writeConfig(
      Path config, Path dataDir, String brokerAddress, String controllerAddress, Flush flush)
      throws IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    // One process is the whole cluster: broker, and the only controller voter.
    settings.put("process.roles", "broker,controller");
    settings.put("node.id", Integer.toString(NODE_ID));
    settings.put("controller.quorum.bootstrap.servers", controllerAddress);
    settings.put(
        "listeners", "PLAINTEXT://" + brokerAddress + ",CONTROLLER://" + controllerAddress);
    settings.put(
        "advertised.listeners",
        "PLAINTEXT://" + brokerAddress + ",CONTROLLER://" + controllerAddress);
    settings.put("inter.broker.listener.name", "PLAINTEXT");
    settings.put("controller.listener.names", "CONTROLLER");
    settings.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    settings.put("log.dirs", dataDir.toString());
    settings.put("num.partitions", "1");
    // Internal topics cannot have three replicas on one node.
    settings.put("offsets.topic.replication.factor", "1");
    settings.put("transaction.state.log.replication.factor", "1");
    settings.put("transaction.state.log.min.isr", "1");
    settings.put("share.coordinator.state.topic.replication.factor", "1");
    settings.put("share.coordinator.state.topic.min.isr", "1");
    settings.put("min.insync.replicas", "1");
    settings.put("group.initial.rebalance.delay.ms", "0");
    if (flush == Flush.EVERY_MESSAGE) {
      settings.put("log.flush.interval.messages", "1");
    }
    StringBuilder text =
        new StringBuilder(
            "# Written by onelog's benchmark (KafkaBroker); the rest is Kafka's defaults.\n");
    settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    Files.writeString(config, text, StandardCharsets.UTF_8);
  }

  /** What {@code kafka-storage.sh format --standalone} does: meta.properties and the voter set. */
  private static void formatStorage(Path config, Path log, Optional<Path> logger)
      throws IOException, InterruptedException {
    List<String> command = javaCommand("256m", "kafka.tools.StorageTool", logger);
    command.addAll(
        List.of(
            "format",
            "--standalone",
            "--cluster-id",
            Uuid.randomUuid().toString(),
            "--config",
            config.toString()));
    Process format =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!format.waitFor(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      destroyTree(format);
      throw new IllegalStateException(
          "Kafka's storage tool did not finish within "
              + STARTUP_TIMEOUT.toSeconds()
              + " s; the end of its log:\n"
              + tail(log));
    }
    if (format.exitValue() != 0) {
      throw new IllegalStateException(
          "Kafka's storage tool failed (exit "
              + format.exitValue()
              + "); the end of its log:\n"
              + tail(log));
    }
  }

  /**
   * Polls the broker with an admin client until it lists a node, the process dies, or time is up.
   */
  private static void awaitServing(Process process, String brokerAddress, Path log)
      throws InterruptedException {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokerAddress,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
    Exception lastError = null;
    try (Admin admin = Admin.create(config)) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "the Kafka broker exited (exit "
                  + process.exitValue()
                  + ") before it served clients; the end of its log:\n"
                  + tail(log));
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "the Kafka broker did not serve clients on "
                  + brokerAddress
                  + " within "
                  + STARTUP_TIMEOUT.toSeconds()
                  + " s (last error: "
                  + lastError
                  + "); the end of its log:\n"
                  + tail(log));
        }
        try {
          Collection<Node> nodes = admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          lastError = e;
          Thread.sleep(100);
        }
      }
    }
  }

  /**
   * {@link ScenarioRunner#javaCommand} with Kafka's JVM options from {@code kafka-run-class.sh}
   * and, when present, slf4j-simple as the logger (chosen by name, so that slf4j-nop also being on
   * the class path makes no difference).
   */
  private static List<String> javaCommand(String maxHeap, String mainClass, Optional<Path> logger) {
    List<String> command = ScenarioRunner.javaCommand(maxHeap, mainClass);
    List<String> options =
        new ArrayList<>(
            List.of(
                "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20",
                "-XX:InitiatingHeapOccupancyPercent=35",
                "-XX:+ExplicitGCInvokesConcurrent",
                "-Djava.awt.headless=true"));
    if (logger.isPresent()) {
      int classPath = command.indexOf("-cp") + 1;
      command.set(classPath, command.get(classPath) + File.pathSeparator + logger.get());
      options.add("-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider");
      options.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
      options.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    }
    command.addAll(1, options);
    return command;
  }

  /**
   * The slf4j-simple jar that {@code mvn package} puts in {@code target/broker-lib}, beside this
   * module's jar (or its {@code target/classes}); empty when it is not there.
   */
  private static Optional<Path> brokerLogger() throws IOException {
    Path codeSource;
    try {
      codeSource =
          Path.of(KafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
    Path libDir = codeSource.toAbsolutePath().getParent().resolve("broker-lib");
    if (!Files.isDirectory(libDir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(libDir)) {
      return files
          .filter(p -> p.getFileName().toString().matches("slf4j-simple-.*\\.jar"))
          .findFirst();
    }
  }

  private static int[] freePorts(int count) throws IOException {
    InetAddress loopback = InetAddress.getByName(HOST);
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      // All held open at once, so that the ports differ.
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, loopback);
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  /** SIGTERM (Kafka's controlled shutdown), then SIGKILL for whatever is left after the timeout. */
  private static void stop(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    boolean interrupted = false;
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
        break;
      } catch (ExecutionException | TimeoutException e) {
        // Still running, or no longer observable: kill it below.
      }
    }
    tree.forEach(ProcessHandle::destroyForcibly);
    tree.forEach(handle -> handle.onExit().join());
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void destroyTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static void removeHook(Thread hook) {
    if (hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: it kills a process that is already gone, harmlessly.
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(could not read " + log + ": " + e + ")";
    }
  }
}
