package dev.onelog.bench.kafka;

import dev.onelog.Durability;
import dev.onelog.OneLog;
import dev.onelog.kafka.KafkaServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * {@code onelog serve} for the benchmark, in a JVM of its own as the Kafka broker runs: opens the
 * log at {@code args[0]} with durability {@code args[1]}, serves it on a free loopback port, prints
 * {@code READY host:port} on standard output, and stops when standard input closes (the parent
 * closed it, or died).
 */
public final class ServeMain {
  private ServeMain() {}

  public static void main(String[] args) throws IOException {
    try (OneLog log =
            OneLog.builder(Path.of(args[0])).durability(Durability.valueOf(args[1])).open();
        KafkaServer server =
            KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
      System.out.println("READY " + server.bootstrapServers());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the parent closes our standard input
      }
    }
  }
}
