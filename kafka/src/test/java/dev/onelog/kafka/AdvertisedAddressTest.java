package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.onelog.OneLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What clients are told to connect to: never the wildcard a server listens on. */
class AdvertisedAddressTest {
  @TempDir Path dir;

  @Test
  void aServerOnTheWildcardAdvertisesThisMachinesName() throws Exception {
    try (OneLog log = OneLog.open(dir.resolve("a.db"));
        KafkaServer server =
            KafkaServer.builder(log).listen(new InetSocketAddress("0.0.0.0", 0)).start()) {
      String host =
          server.bootstrapServers().substring(0, server.bootstrapServers().lastIndexOf(':'));
      assertFalse(InetAddress.getByName(host).isAnyLocalAddress(), server.bootstrapServers());
      assertEquals(
          InetAddress.getLocalHost().getCanonicalHostName() + ":" + server.address().getPort(),
          server.bootstrapServers());
    }
  }

  @Test
  void anAdvertisedAddressWins() throws Exception {
    try (OneLog log = OneLog.open(dir.resolve("a.db"));
        KafkaServer server =
            KafkaServer.builder(log)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .advertise("broker.example", 19092)
                .start()) {
      assertEquals("broker.example:19092", server.bootstrapServers());
    }
  }
}
