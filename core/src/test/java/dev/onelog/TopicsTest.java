package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  @Test
  void createListDescribeDelete() {
    OneLog log = logs.open();
    TopicSpec spec =
        TopicSpec.named("orders")
            .withPartitions(3)
            .withCleanupPolicy(CleanupPolicy.COMPACT_DELETE)
            .withRetention(Duration.ofDays(7))
            .withRetentionBytes(1 << 30);
    TopicDescription created = log.createTopic(spec);
    assertEquals(spec, created.spec());
    assertEquals(3, created.partitions().size());
    log.createTopic(TopicSpec.named("audit"));
    assertEquals(List.of("audit", "orders"), log.topics());
    assertEquals(spec, log.describeTopic("orders").spec());
    log.deleteTopic("orders");
    assertEquals(List.of("audit"), log.topics());
  }

  @Test
  void aDeletedTopicLosesItsRecordsAndANewOneStartsAfresh() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", null, "old"));
    log.deleteTopic("t");
    assertThrows(
        UnknownTopicException.class,
        () -> log.read(TopicPartition.of("t", 0), 0, ReadLimit.DEFAULT));
    log.createTopic(TopicSpec.named("t"));
    assertEquals(0, log.read(TopicPartition.of("t", 0), 0, ReadLimit.DEFAULT).size());
    assertEquals(0, log.append(ProducerRecord.of("t", null, "new")).offset());
  }

  @Test
  void unknownTopicListsTheKnownOnes() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("orders"));
    log.createTopic(TopicSpec.named("payments"));
    UnknownTopicException e =
        assertThrows(
            UnknownTopicException.class, () -> log.send(ProducerRecord.of("ordrs", null, "x")));
    assertEquals("topic 'ordrs' does not exist; known topics: [orders, payments]", e.getMessage());
    assertThrows(UnknownTopicException.class, () -> log.describeTopic("ordrs"));
    assertThrows(UnknownTopicException.class, () -> log.deleteTopic("ordrs"));
    assertThrows(UnknownTopicException.class, () -> log.consumer("ordrs"));
  }

  @Test
  void unknownPartitionGivesTheValidRange() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(2));
    UnknownPartitionException e =
        assertThrows(
            UnknownPartitionException.class, () -> log.nextOffset(TopicPartition.of("t", 2)));
    assertEquals("topic 't' has no partition 2; its partitions are 0..1", e.getMessage());
  }

  @Test
  void creatingAnExistingTopicFailsAndChangesNothing() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(2));
    TopicExistsException e =
        assertThrows(
            TopicExistsException.class,
            () -> log.createTopic(TopicSpec.named("t").withPartitions(5)));
    assertEquals(
        "topic 't' exists already, with 2 partition(s); choose another name or delete it first",
        e.getMessage());
    assertEquals(2, log.describeTopic("t").partitions().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "has space", "slash/y", "ünïcode", "semi;colon"})
  void invalidNamesAreRefused(String name) {
    OneLog log = logs.open();
    InvalidTopicException e =
        assertThrows(InvalidTopicException.class, () -> log.createTopic(TopicSpec.named(name)));
    assertTrue(
        e.getMessage().contains("[a-zA-Z0-9._-]") || e.getMessage().contains("reserved"),
        e.getMessage());
    assertEquals(List.of(), log.topics());
  }

  @Test
  void namesFollowKafkasLengthLimit() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("a".repeat(249)));
    InvalidTopicException e =
        assertThrows(
            InvalidTopicException.class, () -> log.createTopic(TopicSpec.named("a".repeat(250))));
    assertEquals("topic name is 250 characters long; the limit is 249", e.getMessage());
    log.createTopic(TopicSpec.named("Valid.name_with-all.0"));
  }

  @Test
  void specRejectsBadValuesAtOnce() {
    assertEquals(
        "partitions must be 1..10000, was 0",
        assertThrows(IllegalArgumentException.class, () -> TopicSpec.named("t").withPartitions(0))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> TopicSpec.named("t").withRetention(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> TopicSpec.named("t").withRetentionBytes(0));
    assertEquals(CleanupPolicy.COMPACT_DELETE, CleanupPolicy.parse("delete,compact"));
    assertEquals(
        "cleanup policy 'forever' is not one of [delete, compact, compact,delete]",
        assertThrows(IllegalArgumentException.class, () -> CleanupPolicy.parse("forever"))
            .getMessage());
  }
}
