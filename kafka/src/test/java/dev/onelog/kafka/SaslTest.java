package dev.onelog.kafka;

import static dev.onelog.kafka.SecureClients.causeOf;
import static dev.onelog.kafka.SecureClients.roundTrip;
import static dev.onelog.kafka.SecureClients.sasl;
import static dev.onelog.kafka.SecureClients.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.OneLog;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server with SASL against real kafka-clients (SASL_PLAINTEXT): each mechanism lets in the users
 * of the file and no one else, and nothing but ApiVersions and the SASL exchange is answered
 * before.
 */
class SaslTest {
  @TempDir Path dir;

  private OneLog log;
  private KafkaServer server;

  @BeforeEach
  void start() {
    log = OneLog.open(dir.resolve("sasl.db"));
    KafkaUsers.of(log).add("alice", "s3cret-Pässword");
    server = KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).sasl().start();
  }

  @AfterEach
  void stop() {
    server.close();
    log.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
  void aUserOfTheFileProducesAndConsumes(String mechanism) throws Exception {
    List<String> read =
        roundTrip(
            server.bootstrapServers(),
            sasl("SASL_PLAINTEXT", mechanism, "alice", "s3cret-Pässword"),
            "t",
            5);
    assertEquals(values(5), read);
    assertEquals(5, log.describeTopic("t").partitions().get(0).nextOffset());
  }

  @ParameterizedTest
  @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
  void aWrongPasswordOrUnknownUserFailsWithSaslAuthenticationException(String mechanism) {
    for (String[] who : List.of(new String[] {"alice", "wrong"}, new String[] {"bob", "s3cret"})) {
      Properties props = new Properties();
      props.putAll(sasl("SASL_PLAINTEXT", mechanism, who[0], who[1]));
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
      props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
      props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
      try (Admin admin = Admin.create(props)) {
        Exception failure =
            assertThrows(
                Exception.class, () -> admin.listTopics().names().get(10, TimeUnit.SECONDS));
        SaslAuthenticationException sasl = causeOf(failure, SaslAuthenticationException.class);
        assertNotNull(sasl, "expected a SaslAuthenticationException, got " + failure);
        assertTrue(sasl.getMessage().contains("onelog users add"), sasl.getMessage());
      }
    }
  }

  @Test
  void aClientWithoutSaslCannotProduce() throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_500);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      assertThrows(
          Exception.class,
          () -> producer.send(new ProducerRecord<>("t", "v")).get(5, TimeUnit.SECONDS));
    }
    assertFalse(log.topics().contains("t"), "nothing was created or stored");
  }

  @Test
  void beforeAuthenticationOnlyApiVersionsIsAnsweredAndAnythingElseClosesTheConnection()
      throws IOException {
    try (RawConnection raw = new RawConnection(server.address())) {
      ApiVersionsResponse versions =
          (ApiVersionsResponse)
              raw.send(
                  ApiKeys.API_VERSIONS,
                  (short) 3,
                  new ApiVersionsRequestData()
                      .setClientSoftwareName("raw")
                      .setClientSoftwareVersion("1"));
      assertNotNull(versions.data().apiKeys().find(ApiKeys.SASL_HANDSHAKE.id));
      assertNotNull(versions.data().apiKeys().find(ApiKeys.SASL_AUTHENTICATE.id));
      assertThrows(
          EOFException.class,
          () -> raw.send(ApiKeys.METADATA, (short) 12, new MetadataRequestData()));
    }
  }

  @Test
  void anUnknownMechanismIsRefusedWithTheOfferedOnes() throws IOException {
    try (RawConnection raw = new RawConnection(server.address())) {
      SaslHandshakeResponse response =
          (SaslHandshakeResponse)
              raw.send(
                  ApiKeys.SASL_HANDSHAKE,
                  (short) 1,
                  new SaslHandshakeRequestData().setMechanism("GSSAPI"));
      assertEquals(Errors.UNSUPPORTED_SASL_MECHANISM.code(), response.data().errorCode());
      assertEquals(
          List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"), response.data().mechanisms());
    }
  }

  @Test
  void saslHandshakeV0WhoseTokensComeUnframedIsAnsweredUnsupportedVersion() throws IOException {
    try (RawConnection raw = new RawConnection(server.address())) {
      SaslHandshakeResponse response =
          (SaslHandshakeResponse)
              raw.send(
                  ApiKeys.SASL_HANDSHAKE,
                  (short) 0,
                  new SaslHandshakeRequestData().setMechanism("PLAIN"));
      assertEquals(Errors.UNSUPPORTED_VERSION.code(), response.data().errorCode());
    }
  }

  @Test
  void withoutSaslApiVersionsDoesNotAdvertiseTheSaslApis() throws IOException {
    try (KafkaServer open =
            KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start();
        RawConnection raw = new RawConnection(open.address())) {
      ApiVersionsResponse versions =
          (ApiVersionsResponse)
              raw.send(
                  ApiKeys.API_VERSIONS,
                  (short) 3,
                  new ApiVersionsRequestData()
                      .setClientSoftwareName("raw")
                      .setClientSoftwareVersion("1"));
      assertEquals(null, versions.data().apiKeys().find(ApiKeys.SASL_HANDSHAKE.id));
      assertEquals(null, versions.data().apiKeys().find(ApiKeys.SASL_AUTHENTICATE.id));
      assertNotNull(versions.data().apiKeys().find(ApiKeys.METADATA.id));
    }
  }

  @Test
  void usersAreAddedListedChangedAndDeletedAndTheFileHoldsNoPassword() throws Exception {
    KafkaUsers users = KafkaUsers.of(log);
    assertTrue(users.add("bob", "hunter2"));
    assertFalse(users.add("bob", "hunter3"), "a second add changes the password");
    assertEquals(List.of("alice", "bob"), users.list());
    Map<String, Object> bob = sasl("SASL_PLAINTEXT", "SCRAM-SHA-256", "bob", "hunter3");
    assertEquals(values(1), roundTrip(server.bootstrapServers(), bob, "b", 1));
    assertTrue(users.delete("bob"));
    assertFalse(users.delete("bob"));
    assertEquals(List.of("alice"), users.list());
    List<byte[]> cells =
        log.transactionResult(
            tx ->
                tx.query(
                    "SELECT name, salt, stored_key, server_key FROM kafka_users",
                    row -> {
                      byte[] a = row.getBytes(2);
                      byte[] b = row.getBytes(3);
                      byte[] c = row.getBytes(4);
                      byte[] all = new byte[a.length + b.length + c.length];
                      System.arraycopy(a, 0, all, 0, a.length);
                      System.arraycopy(b, 0, all, a.length, b.length);
                      System.arraycopy(c, 0, all, a.length + b.length, c.length);
                      return all;
                    }));
    assertEquals(2, cells.size(), "alice's SCRAM-SHA-256 and SCRAM-SHA-512 rows");
    byte[] password = "s3cret-Pässword".getBytes(StandardCharsets.UTF_8);
    for (byte[] cell : cells) {
      assertFalse(
          new String(cell, StandardCharsets.ISO_8859_1)
              .contains(new String(password, StandardCharsets.ISO_8859_1)));
    }
    assertThrows(IllegalArgumentException.class, () -> users.add("", "x"));
    assertThrows(IllegalArgumentException.class, () -> users.add("carol", ""));
  }
}
