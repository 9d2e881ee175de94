package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicSpec;
import dev.onelog.group.GroupConsumer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DeleteConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's admin client on wire groups (list, describe, committed offsets, delete a group or some of
 * its offsets), a group that is embedded refusing wire members, and the transaction coordinator
 * refused.
 */
class GroupToolsTest {
  @TempDir Path dir;

  private OneLog log;
  private KafkaServer server;

  @BeforeEach
  void start() {
    log = OneLog.open(dir.resolve("tools.db"));
    server = KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start();
    log.createTopic(TopicSpec.named("orders").withPartitions(2));
    for (int i = 0; i < 10; i++) {
      log.append(ProducerRecord.of("orders", null, "v" + i).withPartition(i % 2));
    }
  }

  @AfterEach
  void stop() {
    server.close();
    log.close();
  }

  private KafkaConsumer<String, String> consumer(String group) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 2_000);
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 200);
    return new KafkaConsumer<>(props);
  }

  private Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    return Admin.create(props);
  }

  private static void pollUntilAssigned(KafkaConsumer<String, String> consumer, int partitions) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (consumer.assignment().size() < partitions) {
      assertTrue(System.nanoTime() < deadline, "not assigned: " + consumer.assignment());
      consumer.poll(Duration.ofMillis(100));
    }
  }

  @Test
  void theAdminClientListsDescribesReadsAndDeletesAWireGroup() throws Exception {
    TopicPartition p0 = new TopicPartition("orders", 0);
    TopicPartition p1 = new TopicPartition("orders", 1);
    try (Admin admin = admin()) {
      try (KafkaConsumer<String, String> consumer = consumer("billing")) {
        consumer.subscribe(List.of("orders"));
        pollUntilAssigned(consumer, 2);
        consumer.commitSync(
            Map.of(p0, new OffsetAndMetadata(3, "note"), p1, new OffsetAndMetadata(4)));

        GroupListing listed =
            admin.listGroups().all().get(10, TimeUnit.SECONDS).stream()
                .filter(g -> g.groupId().equals("billing"))
                .findFirst()
                .orElseThrow();
        assertEquals("consumer", listed.protocol());
        assertEquals(GroupState.STABLE, listed.groupState().orElseThrow());

        ConsumerGroupDescription described =
            admin
                .describeConsumerGroups(List.of("billing"))
                .describedGroups()
                .get("billing")
                .get(10, TimeUnit.SECONDS);
        assertEquals(GroupState.STABLE, described.groupState());
        assertEquals(1, described.members().size());
        MemberDescription member = described.members().iterator().next();
        assertEquals("/127.0.0.1", member.host());
        assertEquals(Set.of(p0, p1), member.assignment().topicPartitions());

        assertEquals(
            Map.of(p0, new OffsetAndMetadata(3, "note"), p1, new OffsetAndMetadata(4, "")),
            admin
                .listConsumerGroupOffsets("billing")
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS));

        ExecutionException busy =
            assertThrows(
                ExecutionException.class,
                () ->
                    admin.deleteConsumerGroups(List.of("billing")).all().get(10, TimeUnit.SECONDS));
        assertInstanceOf(GroupNotEmptyException.class, busy.getCause());
      }
      admin.deleteConsumerGroups(List.of("billing")).all().get(10, TimeUnit.SECONDS);
      assertFalse(log.groups().list().contains("billing"), "deleted from the file");
    }
  }

  @Test
  void offsetsAreDeletedOnlyOfTopicsNoMemberSubscribesTo() throws Exception {
    log.createTopic(TopicSpec.named("other"));
    log.groups()
        .commitOffsets(
            "billing",
            Map.of(
                dev.onelog.TopicPartition.of("other", 0),
                dev.onelog.group.OffsetAndMetadata.of(0)));
    TopicPartition orders = new TopicPartition("orders", 0);
    TopicPartition other = new TopicPartition("other", 0);
    try (Admin admin = admin();
        KafkaConsumer<String, String> consumer = consumer("billing")) {
      consumer.subscribe(List.of("orders"));
      pollUntilAssigned(consumer, 2);
      consumer.commitSync(Map.of(orders, new OffsetAndMetadata(2)));
      DeleteConsumerGroupOffsetsResult result =
          admin.deleteConsumerGroupOffsets("billing", Set.of(orders, other));
      result.partitionResult(other).get(10, TimeUnit.SECONDS);
      ExecutionException subscribed =
          assertThrows(
              ExecutionException.class,
              () -> result.partitionResult(orders).get(10, TimeUnit.SECONDS));
      assertInstanceOf(GroupSubscribedToTopicException.class, subscribed.getCause());
    }
    assertEquals(
        Map.of(dev.onelog.TopicPartition.of("orders", 0), dev.onelog.group.OffsetAndMetadata.of(2)),
        log.groups().committed("billing"));
  }

  @Test
  void aGroupWithLiveEmbeddedMembersRefusesWireMembers() {
    try (GroupConsumer embedded = log.groups().consumer("mixed").topics("orders").open();
        KafkaConsumer<String, String> wire = consumer("mixed")) {
      embedded.poll(Duration.ofMillis(10));
      wire.subscribe(List.of("orders"));
      assertThrows(
          InconsistentGroupProtocolException.class,
          () -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
              wire.poll(Duration.ofMillis(100));
            }
          });
    }
  }

  @Test
  void aWireGroupsMembersAreRowsOfTheFileWhileTheyAreConnected() throws InterruptedException {
    try (KafkaConsumer<String, String> wire = consumer("rows")) {
      wire.subscribe(List.of("orders"));
      pollUntilAssigned(wire, 2);
      List<dev.onelog.group.MemberDescription> members = awaitMembers("rows", 1);
      dev.onelog.group.MemberDescription member = members.get(0);
      assertTrue(member.isWire(), member.toString());
      assertTrue(member.client().startsWith("wire:consumer-rows-"), member.client());
      assertTrue(member.client().endsWith("@/127.0.0.1"), member.client());
      assertEquals("orders", member.subscription());
      dev.onelog.group.InconsistentGroupProtocolException refused =
          assertThrows(
              dev.onelog.group.InconsistentGroupProtocolException.class,
              () -> log.groups().consumer("rows").topics("orders").open());
      assertTrue(refused.getMessage().contains("onelog serve"), refused.getMessage());
      wire.poll(Duration.ofMillis(10));
    }
    awaitMembers("rows", 0); // closing the consumer left the group, and the row went with it
    try (GroupConsumer embedded = log.groups().consumer("rows").topics("orders").open()) {
      assertEquals(embedded.memberId(), log.groups().describe("rows").members().get(0).memberId());
    }
  }

  @Test
  void aServerThatStopsRemovesItsMembersRows() throws InterruptedException {
    try (KafkaConsumer<String, String> wire = consumer("stopping")) {
      wire.subscribe(List.of("orders"));
      pollUntilAssigned(wire, 2);
      awaitMembers("stopping", 1);
      server.close();
      assertEquals(List.of(), log.groups().describe("stopping").members());
    }
  }

  /** The group's members in the file once there are {@code count} of them. */
  private List<dev.onelog.group.MemberDescription> awaitMembers(String group, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<dev.onelog.group.MemberDescription> members;
      try {
        members = log.groups().describe(group).members();
      } catch (dev.onelog.group.UnknownGroupException e) {
        members = List.of(); // not written yet
      }
      if (members.size() == count) {
        return members;
      }
      assertTrue(System.nanoTime() < deadline, "members of " + group + ": " + members);
      Thread.sleep(50);
    }
  }

  @Test
  void aTransactionalProducerFailsAtOnceSayingTransactionsAreNotSupported() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      long start = System.nanoTime();
      KafkaException e = assertThrows(KafkaException.class, producer::initTransactions);
      assertTrue(
          String.valueOf(e.getMessage()).contains("Kafka transactions are not supported"),
          e.toString());
      assertTrue(
          System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "failed at once, no retries");
    }
  }
}
