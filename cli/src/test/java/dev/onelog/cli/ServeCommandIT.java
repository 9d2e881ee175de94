package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code onelog serve} as a child process, used by kafka-clients over a real socket. */
class ServeCommandIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  private static final Pattern READY = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  @Test
  void servesKafkaClientsUntilSigtermThenTheLibrarySeesWhatTheyWrote() throws Exception {
    Process server = serve("--partitions", "2");
    try {
      String ready = readLine(standardError(server));
      Matcher port = READY.matcher(String.valueOf(ready));
      assertTrue(port.find(), "the ready line: " + ready);
      assertTrue(ready.contains(onelog.file().toString()), ready);
      String bootstrap = "127.0.0.1:" + port.group(1);

      Properties producerProps = new Properties();
      producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>("wire", "k" + i, "v" + i)).get(10, TimeUnit.SECONDS);
        }
      }
      Properties consumerProps = new Properties();
      consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      List<ConsumerRecord<String, String>> read = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
        consumer.assign(List.of(new TopicPartition("wire", 0), new TopicPartition("wire", 1)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (read.size() < 100 && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(200)).forEach(read::add);
        }
      }
      assertEquals(100, read.size());
    } finally {
      server.destroy(); // SIGTERM
      assertTrue(server.waitFor(20, TimeUnit.SECONDS), "ends on SIGTERM");
    }
    // A JVM stopped by SIGTERM exits with 143 (128 + 15) once its shutdown hooks ran; the hook
    // let the command close the server and the log, which the missing WAL shows.
    assertEquals(143, server.exitValue(), "stopped by the signal");
    assertFalse(
        onelog.dir().resolve("onelog.db-wal").toFile().exists(),
        "the log was closed: its WAL checkpointed away");
    String described = onelog.run("topics", "describe", "wire").ok().stdout();
    assertTrue(described.matches("(?s).*partitions: +2\n.*"), described);
    assertEquals(100, onelog.run("consume", "wire", "--from-beginning").ok().lines().size());
  }

  /**
   * The server runs until stopped, so what the library logs at WARNING reaches standard error, one
   * dated line each: here a connection closed because its request never arrived whole. Commands
   * that end log nothing (every other test's one error line).
   */
  @Test
  void logsWarningsToStandardErrorOneLineEach() throws Exception {
    Process server = serve("--request-arrival-timeout", "200ms");
    try {
      BufferedReader err = standardError(server);
      Matcher port = READY.matcher(String.valueOf(readLine(err)));
      assertTrue(port.find(), "the ready line");
      try (java.net.Socket client =
          new java.net.Socket("127.0.0.1", Integer.parseInt(port.group(1)))) {
        client.getOutputStream().write(new byte[] {0, 0, 0, 100, 0, 18}); // 6 of 104 bytes
        client.getOutputStream().flush();
        String warning = readLine(err);
        assertTrue(
            warning.matches(
                "\\d{4}-\\d\\d-\\d\\dT[\\d:.]+[+-]\\d{4} WARNING [\\w.]+: closing the connection from"
                    + " .*: 6 bytes of a request of 104 bytes arrived in 200 ms.*"),
            warning);
      }
    } finally {
      server.destroy();
      assertTrue(server.waitFor(20, TimeUnit.SECONDS), "ends on SIGTERM");
    }
  }

  /** Starts {@code onelog serve} on a free loopback port with {@code options}. */
  private Process serve(String... options) throws java.io.IOException {
    List<String> command = onelog.command("serve", "--listen", "127.0.0.1:0");
    command.addAll(List.of(options));
    return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static BufferedReader standardError(Process server) {
    return new BufferedReader(
        new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8));
  }

  /** The next line, waiting at most a minute. */
  private static String readLine(BufferedReader reader) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return reader.readLine();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .get(60, TimeUnit.SECONDS);
  }

  @Test
  void refusesANonLoopbackAddressWithoutSaslOrInsecureAndSaysWhy() {
    String message = onelog.run("serve", "--listen", "0.0.0.0:0").failsWith(1);
    assertTrue(
        message.contains("--insecure")
            && message.contains("without authentication")
            && message.contains("--sasl"),
        message);
  }

  @Test
  void aTlsCertificateWithoutItsKeyOrThatCannotBeReadIsRefusedNamingIt() {
    String noKey =
        onelog.run("serve", "--listen", "127.0.0.1:0", "--tls-cert", "c.pem").failsWith(1);
    assertTrue(noKey.contains("--tls-cert without --tls-key"), noKey);
    String missing = onelog.dir().resolve("missing.pem").toString();
    String unreadable =
        onelog
            .run("serve", "--listen", "127.0.0.1:0", "--tls-cert", missing, "--tls-key", missing)
            .failsWith(1);
    assertTrue(
        unreadable.contains("cannot read TLS certificate " + missing + ": no such file"),
        unreadable);
  }

  @Test
  void aBadListenAddressIsAUsageErrorThatSaysTheForm() {
    String message = onelog.run("serve", "--listen", "localhost").failsWith(1);
    assertTrue(message.contains("HOST:PORT"), message);
  }
}
