package dev.onelog.kafka;

import static dev.onelog.kafka.SecureClients.roundTrip;
import static dev.onelog.kafka.SecureClients.sasl;
import static dev.onelog.kafka.SecureClients.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.OneLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with TLS from PEM files that {@code openssl} makes for the test, against real
 * kafka-clients that trust that certificate: SSL, and SASL_SSL with SCRAM; and the errors for files
 * that are missing, not PEM, or do not belong together.
 */
class TlsTest {
  @TempDir static Path keys;

  @TempDir Path dir;

  private OneLog log;

  @BeforeAll
  static void makeCertificates() throws Exception {
    openssl("server");
    openssl("other");
  }

  /** A self-signed certificate for 127.0.0.1, NAME-cert.pem, and its key, NAME-key.pem. */
  private static void openssl(String name) throws IOException, InterruptedException {
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                keys.resolve(name + "-key.pem").toString(),
                "-out",
                keys.resolve(name + "-cert.pem").toString(),
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertTrue(openssl.waitFor(30, TimeUnit.SECONDS), "openssl req finishes");
    assertEquals(0, openssl.exitValue(), "openssl req makes a certificate");
  }

  @BeforeEach
  void open() {
    log = OneLog.open(dir.resolve("tls.db"));
  }

  @AfterEach
  void close() {
    log.close();
  }

  private KafkaServer.Builder server() {
    return KafkaServer.builder(log)
        .listen(new InetSocketAddress("127.0.0.1", 0))
        .tls(keys.resolve("server-cert.pem"), keys.resolve("server-key.pem"));
  }

  private static Map<String, Object> trusting(String certificate) {
    return Map.of(
        SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
        "PEM",
        SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
        keys.resolve(certificate).toString());
  }

  @Test
  void aClientThatTrustsTheCertificateProducesAndConsumesOverTls() throws Exception {
    try (KafkaServer server = server().start()) {
      Map<String, Object> ssl = new HashMap<>(trusting("server-cert.pem"));
      ssl.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
      assertEquals(values(3), roundTrip(server.bootstrapServers(), ssl, "t", 3));
    }
  }

  @Test
  void aClientThatTrustsAnotherCertificateCannotConnect() {
    try (KafkaServer server = server().start()) {
      Map<String, Object> ssl = new HashMap<>(trusting("other-cert.pem"));
      ssl.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
      assertThrows(Exception.class, () -> roundTrip(server.bootstrapServers(), ssl, "t", 1));
    }
    assertTrue(log.topics().isEmpty(), "nothing was created");
  }

  @Test
  void scramOverTls() throws Exception {
    KafkaUsers.of(log).add("alice", "over-tls");
    try (KafkaServer server = server().sasl().start()) {
      Map<String, Object> saslSsl =
          new HashMap<>(sasl("SASL_SSL", "SCRAM-SHA-512", "alice", "over-tls"));
      saslSsl.putAll(trusting("server-cert.pem"));
      assertEquals(values(3), roundTrip(server.bootstrapServers(), saslSsl, "t", 3));
    }
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedNamingBothFiles() {
    Path cert = keys.resolve("server-cert.pem");
    Path otherKey = keys.resolve("other-key.pem");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> KafkaServer.builder(log).tls(cert, otherKey));
    assertTrue(
        e.getMessage().contains("does not belong to the certificate")
            && e.getMessage().contains(cert.toString())
            && e.getMessage().contains(otherKey.toString()),
        e.getMessage());
  }

  @Test
  void missingAndSwappedFilesAreRefusedNamingTheFile() {
    Path cert = keys.resolve("server-cert.pem");
    Path key = keys.resolve("server-key.pem");
    Path missing = dir.resolve("missing.pem");
    String unreadable =
        assertThrows(
                IllegalArgumentException.class, () -> KafkaServer.builder(log).tls(missing, key))
            .getMessage();
    assertTrue(
        unreadable.contains("cannot read TLS certificate " + missing + ": no such file"),
        unreadable);
    String swapped =
        assertThrows(IllegalArgumentException.class, () -> KafkaServer.builder(log).tls(key, cert))
            .getMessage();
    assertTrue(swapped.contains("is not a PEM certificate"), swapped);
  }

  @Test
  void aKeyFileWithoutAPkcs8KeySaysHowToConvertIt() throws IOException {
    Path notAKey = Files.writeString(dir.resolve("key.pem"), "-----BEGIN RSA PRIVATE KEY-----\n");
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () -> KafkaServer.builder(log).tls(keys.resolve("server-cert.pem"), notAKey))
            .getMessage();
    assertTrue(message.contains("openssl pkcs8 -topk8 -nocrypt"), message);
  }
}
