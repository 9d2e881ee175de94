package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.CleanupPolicy;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicPartition;
import dev.onelog.TopicSpec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin APIs through a real kafka-clients 4.1 {@link Admin} against a server on an ephemeral
 * loopback port: what the admin client does is checked in the library ({@code log.describeTopic},
 * {@code log.earliestOffset}) and what the library holds is checked through the admin client.
 */
class AdminApisTest {
  private static final Map<String, String> ALL_CONFIGS =
      Map.of(
          "cleanup.policy", "compact",
          "retention.ms", "3600000",
          "retention.bytes", "1048576",
          "delete.retention.ms", "1000",
          "min.cleanable.dirty.ratio", "0.25",
          "min.compaction.lag.ms", "5000");

  @TempDir Path dir;

  private OneLog log;
  private KafkaServer server;
  private Admin admin;

  @BeforeEach
  void start() {
    log = OneLog.open(dir.resolve("served.db"));
    server = KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start();
    admin = admin(server);
  }

  @AfterEach
  void stop() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    server.close();
    log.close();
  }

  private static Admin admin(KafkaServer server) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    return Admin.create(props);
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  /** The exception {@code future} fails with, checked to be a {@code type}. */
  private static <E extends Throwable> E failure(Class<E> type, Future<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> get(future));
    return assertInstanceOf(type, e.getCause());
  }

  private static void assertMentions(Throwable e, String... parts) {
    for (String part : parts) {
      assertTrue(
          e.getMessage() != null && e.getMessage().contains(part),
          "'" + e.getMessage() + "' should mention '" + part + "'");
    }
  }

  private Config topicConfig(String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return get(admin.describeConfigs(List.of(resource)).all()).get(resource);
  }

  private Map<String, Uuid> idsByMetadata(Collection<String> names) throws Exception {
    Map<String, Uuid> ids = new java.util.HashMap<>();
    get(admin.describeTopics(names).allTopicNames())
        .forEach((name, description) -> ids.put(name, description.topicId()));
    return ids;
  }

  @Test
  void createTopicsAppliesEveryConfigAsTheLibraryAndDescribeConfigsSeeIt() throws Exception {
    CreateTopicsResult created =
        admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1).configs(ALL_CONFIGS)));
    get(created.all());
    assertEquals(3, get(created.numPartitions("orders")));
    assertEquals(1, get(created.replicationFactor("orders")));
    Uuid id = get(created.topicId("orders"));
    assertNotEquals(Uuid.ZERO_UUID, id);
    assertEquals(id, idsByMetadata(List.of("orders")).get("orders"), "the id Metadata gives");
    assertEquals("3600000", get(created.config("orders")).get("retention.ms").value());

    TopicSpec spec = log.describeTopic("orders").spec();
    assertEquals(3, spec.partitions());
    assertEquals(CleanupPolicy.COMPACT, spec.cleanupPolicy());
    assertEquals(Duration.ofHours(1), spec.retention());
    assertEquals(1_048_576L, spec.retentionBytes());
    assertEquals(Duration.ofSeconds(1), spec.deleteRetention());
    assertEquals(0.25, spec.minCleanableDirtyRatio());
    assertEquals(Duration.ofSeconds(5), spec.minCompactionLag());

    Config config = topicConfig("orders");
    ALL_CONFIGS.forEach(
        (name, value) -> {
          ConfigEntry entry = config.get(name);
          assertEquals(value, entry.value(), name);
          assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, entry.source(), name);
          assertTrue(!entry.isReadOnly() && !entry.isSensitive(), name);
        });
  }

  @Test
  void aTopicMadeByTheLibraryDescribesItsDefaultsAsDefaults() throws Exception {
    log.createTopic(TopicSpec.named("plain").withRetention(Duration.ofDays(2)));
    Config config = topicConfig("plain");
    assertEquals(
        ALL_CONFIGS.keySet(), Set.copyOf(config.entries().stream().map(e -> e.name()).toList()));
    ConfigEntry retention = config.get("retention.ms");
    assertEquals(Long.toString(Duration.ofDays(2).toMillis()), retention.value());
    assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.source());
    assertEquals("delete", config.get("cleanup.policy").value());
    assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("cleanup.policy").source());
    assertEquals("-1", config.get("retention.bytes").value(), "unlimited");
    assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("retention.bytes").source());
    assertEquals("0.5", config.get("min.cleanable.dirty.ratio").value());
  }

  @Test
  void describeConfigsOfAMissingTopicNamesTheKnownOnes() {
    log.createTopic(TopicSpec.named("orders"));
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "ordrs");
    UnknownTopicOrPartitionException e =
        failure(
            UnknownTopicOrPartitionException.class,
            admin.describeConfigs(List.of(resource)).values().get(resource));
    assertMentions(e, "'ordrs' does not exist", "[orders]");
  }

  @Test
  void createTopicsWithoutACountTakesTheServersDefaultWhichTheBrokerConfigsShow() throws Exception {
    try (KafkaServer four =
            KafkaServer.builder(log)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .defaultPartitions(4)
                .autoCreateTopics(false)
                .start();
        Admin fourAdmin = admin(four)) {
      get(
          fourAdmin
              .createTopics(List.of(new NewTopic("wide", Optional.empty(), Optional.empty())))
              .all());
      assertEquals(4, log.describeTopic("wide").partitions().size());

      ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
      Config config = get(fourAdmin.describeConfigs(List.of(broker)).all()).get(broker);
      assertEquals("4", config.get("num.partitions").value());
      assertEquals(
          ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, config.get("num.partitions").source());
      assertEquals("false", config.get("auto.create.topics.enable").value());
      assertEquals("delete", config.get("log.cleanup.policy").value());
      assertEquals("-1", config.get("log.retention.ms").value());
      assertTrue(config.entries().stream().allMatch(ConfigEntry::isReadOnly));
    }
  }

  @Test
  void createTopicsRefusesAnExistingTopicWithoutTouchingIt() throws Exception {
    log.createTopic(TopicSpec.named("taken").withPartitions(2));
    TopicExistsException e =
        failure(
            TopicExistsException.class,
            admin.createTopics(List.of(new NewTopic("taken", 5, (short) 1))).all());
    assertMentions(e, "'taken' exists already", "2 partition(s)");
    assertEquals(2, log.describeTopic("taken").partitions().size());
  }

  @Test
  void createTopicsRefusesAReplicationFactorAboveOne() {
    InvalidReplicationFactorException e =
        failure(
            InvalidReplicationFactorException.class,
            admin.createTopics(List.of(new NewTopic("replicated", 1, (short) 3))).all());
    assertMentions(e, "replication factor 3", "give 1");
    assertTrue(log.topics().isEmpty());
  }

  @Test
  void createTopicsRefusesAnUnknownConfigNamingTheSupportedOnes() {
    InvalidConfigurationException e =
        failure(
            InvalidConfigurationException.class,
            admin
                .createTopics(
                    List.of(
                        new NewTopic("hours", 1, (short) 1)
                            .configs(Map.of("retention.hours", "5"))))
                .all());
    assertMentions(
        e, "'retention.hours' is not supported", "cleanup.policy", "min.compaction.lag.ms");
    assertTrue(log.topics().isEmpty());
  }

  @Test
  void createTopicsRefusesABadValueSayingWhatWouldDo() {
    InvalidConfigurationException e =
        failure(
            InvalidConfigurationException.class,
            admin
                .createTopics(
                    List.of(
                        new NewTopic("zero", 1, (short) 1).configs(Map.of("retention.ms", "0"))))
                .all());
    assertMentions(e, "retention.ms=0 is not valid", "-1 to keep records forever");
    assertTrue(log.topics().isEmpty());
  }

  @Test
  void createTopicsRefusesAnInvalidName() {
    failure(
        InvalidTopicException.class,
        admin.createTopics(List.of(new NewTopic("no spaces", 1, (short) 1))).all());
    assertTrue(log.topics().isEmpty());
  }

  @Test
  void validateOnlyChecksEverythingAndCreatesNothing() throws Exception {
    CreateTopicsOptions validateOnly = new CreateTopicsOptions().validateOnly(true);
    CreateTopicsResult validated =
        admin.createTopics(
            List.of(new NewTopic("maybe", 2, (short) 1).configs(ALL_CONFIGS)), validateOnly);
    get(validated.all());
    assertEquals(2, get(validated.numPartitions("maybe")));
    assertEquals("compact", get(validated.config("maybe")).get("cleanup.policy").value());
    assertTrue(log.topics().isEmpty(), "nothing created");

    log.createTopic(TopicSpec.named("there"));
    failure(
        TopicExistsException.class,
        admin.createTopics(List.of(new NewTopic("there", 1, (short) 1)), validateOnly).all());
    failure(
        InvalidConfigurationException.class,
        admin
            .createTopics(
                List.of(new NewTopic("bad", 1, (short) 1).configs(Map.of("retention.ms", "x"))),
                validateOnly)
            .all());
    assertEquals(List.of("there"), log.topics());
  }

  @Test
  void deleteTopicsByNameAndById() throws Exception {
    log.createTopic(TopicSpec.named("a"));
    log.createTopic(TopicSpec.named("b"));
    log.createTopic(TopicSpec.named("c"));
    get(admin.deleteTopics(List.of("a")).all());
    assertEquals(List.of("b", "c"), log.topics());

    Uuid b = idsByMetadata(List.of("b")).get("b");
    get(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(b))).all());
    assertEquals(List.of("c"), log.topics());

    UnknownTopicOrPartitionException e =
        failure(UnknownTopicOrPartitionException.class, admin.deleteTopics(List.of("a")).all());
    assertMentions(e, "'a' does not exist", "[c]");
  }

  @Test
  void createPartitionsRaisesTheCountAndRefusesALowerOne() throws Exception {
    log.createTopic(TopicSpec.named("grows"));
    get(admin.createPartitions(Map.of("grows", NewPartitions.increaseTo(3))).all());
    assertEquals(3, log.describeTopic("grows").partitions().size());

    InvalidPartitionsException e =
        failure(
            InvalidPartitionsException.class,
            admin.createPartitions(Map.of("grows", NewPartitions.increaseTo(2))).all());
    assertMentions(e, "has 3 partition(s)", "never removed", "from 4 to");
    assertEquals(3, log.describeTopic("grows").partitions().size());

    get(
        admin
            .createPartitions(
                Map.of("grows", NewPartitions.increaseTo(5)),
                new org.apache.kafka.clients.admin.CreatePartitionsOptions().validateOnly(true))
            .all());
    assertEquals(3, log.describeTopic("grows").partitions().size(), "validateOnly adds none");
  }

  @Test
  void incrementalAlterConfigsSetsDeletesAppendsAndSubtracts() throws Exception {
    log.createTopic(TopicSpec.named("tuned").withMinCleanableDirtyRatio(0.1));
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "tuned");
    get(
        admin
            .incrementalAlterConfigs(
                Map.of(
                    topic,
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry("retention.ms", "60000"), AlterConfigOp.OpType.SET),
                        new AlterConfigOp(
                            new ConfigEntry("min.cleanable.dirty.ratio", null),
                            AlterConfigOp.OpType.DELETE),
                        new AlterConfigOp(
                            new ConfigEntry("cleanup.policy", "compact"),
                            AlterConfigOp.OpType.APPEND))))
            .all());
    TopicSpec spec = log.describeTopic("tuned").spec();
    assertEquals(Duration.ofMinutes(1), spec.retention());
    assertEquals(TopicSpec.DEFAULT_MIN_CLEANABLE_DIRTY_RATIO, spec.minCleanableDirtyRatio());
    assertEquals(CleanupPolicy.COMPACT_DELETE, spec.cleanupPolicy());
    Config config = topicConfig("tuned");
    assertEquals("60000", config.get("retention.ms").value());
    assertEquals(
        ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("min.cleanable.dirty.ratio").source());
    assertEquals("compact,delete", config.get("cleanup.policy").value());

    get(
        admin
            .incrementalAlterConfigs(
                Map.of(
                    topic,
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry("cleanup.policy", "delete"),
                            AlterConfigOp.OpType.SUBTRACT))))
            .all());
    assertEquals(CleanupPolicy.COMPACT, log.describeTopic("tuned").spec().cleanupPolicy());
  }

  @Test
  void incrementalAlterConfigsRefusesUnknownConfigsBrokersAndEmptyListsChangingNothing()
      throws Exception {
    log.createTopic(TopicSpec.named("kept"));
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "kept");
    InvalidConfigurationException unknown =
        failure(
            InvalidConfigurationException.class,
            admin
                .incrementalAlterConfigs(
                    Map.of(
                        topic,
                        List.of(
                            new AlterConfigOp(
                                new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET),
                            new AlterConfigOp(
                                new ConfigEntry("segment.bytes", "1000"),
                                AlterConfigOp.OpType.SET))))
                .all());
    assertMentions(unknown, "'segment.bytes' is not supported", "retention.ms");
    assertNull(log.describeTopic("kept").spec().retention(), "the valid SET was not applied alone");

    InvalidConfigurationException empty =
        failure(
            InvalidConfigurationException.class,
            admin
                .incrementalAlterConfigs(
                    Map.of(
                        topic,
                        List.of(
                            new AlterConfigOp(
                                new ConfigEntry("cleanup.policy", "delete"),
                                AlterConfigOp.OpType.SUBTRACT))))
                .all());
    assertMentions(empty, "cleanup.policy would be left empty");

    ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
    InvalidConfigurationException readOnly =
        failure(
            InvalidConfigurationException.class,
            admin
                .incrementalAlterConfigs(
                    Map.of(
                        broker,
                        List.of(
                            new AlterConfigOp(
                                new ConfigEntry("num.partitions", "3"), AlterConfigOp.OpType.SET))))
                .all());
    assertMentions(readOnly, "read-only", "KafkaServer.builder");
  }

  @Test
  void compactingATopicWithAKeylessRecordIsRefusedSayingWhy() {
    log.createTopic(TopicSpec.named("keyless"));
    log.append(new ProducerRecord("keyless", null, null, null, new byte[] {1}, List.of()));
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "keyless");
    org.apache.kafka.common.InvalidRecordException e =
        failure(
            org.apache.kafka.common.InvalidRecordException.class,
            admin
                .incrementalAlterConfigs(
                    Map.of(
                        topic,
                        List.of(
                            new AlterConfigOp(
                                new ConfigEntry("cleanup.policy", "compact"),
                                AlterConfigOp.OpType.SET))))
                .all());
    assertMentions(e, "keyless");
    assertEquals(CleanupPolicy.DELETE, log.describeTopic("keyless").spec().cleanupPolicy());
  }

  @Test
  void deleteRecordsMovesTheEarliestOffsetForTheLibraryAndConsumers() throws Exception {
    log.createTopic(TopicSpec.named("trimmed"));
    for (int i = 0; i < 10; i++) {
      log.append(ProducerRecord.of("trimmed", "k" + i, "v" + i));
    }
    org.apache.kafka.common.TopicPartition tp =
        new org.apache.kafka.common.TopicPartition("trimmed", 0);
    TopicPartition ours = new TopicPartition("trimmed", 0);

    assertEquals(
        4,
        get(admin
                .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4)))
                .lowWatermarks()
                .get(tp))
            .lowWatermark());
    assertEquals(4, log.earliestOffset(ours));
    assertEquals(4L, beginningOffset(tp));

    failure(
        OffsetOutOfRangeException.class,
        admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(11))).all());
    assertEquals(4, log.earliestOffset(ours), "a refused delete deletes nothing");

    assertEquals(
        10,
        get(admin
                .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(-1)))
                .lowWatermarks()
                .get(tp))
            .lowWatermark(),
        "-1 is the high watermark");
    assertEquals(10, log.earliestOffset(ours));
    assertEquals(10L, beginningOffset(tp));
  }

  private long beginningOffset(org.apache.kafka.common.TopicPartition tp) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      return consumer.beginningOffsets(List.of(tp)).get(tp);
    }
  }

  @Test
  void describeClusterShowsTheOneBrokerAsItsOwnController() throws Exception {
    // Including fenced brokers needs DescribeCluster v2: the admin client does not fall back to
    // Metadata (which would give the same answer) when it is asked for.
    DescribeClusterResult cluster =
        admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true));
    assertEquals("onelog", get(cluster.clusterId()));
    Collection<Node> nodes = get(cluster.nodes());
    assertEquals(1, nodes.size());
    Node node = nodes.iterator().next();
    assertEquals(0, node.id());
    assertEquals(server.address().getPort(), node.port());
    assertEquals(server.address().getHostString(), node.host());
    assertTrue(!node.isFenced());
    assertEquals(0, get(cluster.controller()).id());
  }

  @Test
  void describeTopicsPagesThroughEveryPartition() throws Exception {
    Uuid a = get(admin.createTopics(List.of(new NewTopic("a", 5, (short) 1))).topicId("a"));
    log.createTopic(TopicSpec.named("b").withPartitions(2));
    Map<String, TopicDescription> described =
        get(
            admin
                .describeTopics(
                    List.of("a", "b"), new DescribeTopicsOptions().partitionSizeLimitPerResponse(2))
                .allTopicNames());
    assertEquals(a, described.get("a").topicId());
    assertEquals(5, described.get("a").partitions().size());
    assertEquals(2, described.get("b").partitions().size());
    for (TopicPartitionInfo partition : described.get("a").partitions()) {
      assertEquals(0, partition.leader().id());
      assertEquals(List.of(0), partition.isr().stream().map(Node::id).toList());
    }
  }

  /**
   * The admin client falls back to Metadata when DescribeTopicPartitions is not served, and
   * Metadata gives the same partitions: so the request is sent by hand, and its cursor followed
   * page by page.
   */
  @Test
  void describeTopicPartitionsAnswersPageByPageFromTheCursor() throws Exception {
    log.createTopic(TopicSpec.named("a").withPartitions(5));
    log.createTopic(TopicSpec.named("b").withPartitions(2));
    DescribeTopicPartitionsRequestData asked =
        new DescribeTopicPartitionsRequestData().setResponsePartitionLimit(3);
    for (String name : List.of("b", "a", "missing")) {
      asked.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName(name));
    }
    List<String> pages = new ArrayList<>();
    for (int page = 0; page < 5; page++) {
      DescribeTopicPartitionsResponseData answer;
      try (RawConnection raw = new RawConnection(server.address())) {
        answer =
            ((DescribeTopicPartitionsResponse)
                    raw.send(
                        ApiKeys.DESCRIBE_TOPIC_PARTITIONS,
                        new DescribeTopicPartitionsRequest.Builder(asked).build((short) 0)))
                .data();
      }
      StringBuilder described = new StringBuilder();
      for (DescribeTopicPartitionsResponseTopic topic : answer.topics()) {
        described
            .append(topic.name())
            .append(topic.partitions().stream().map(p -> p.partitionIndex()).toList());
        if (topic.errorCode() != 0) {
          described.append(Errors.forCode(topic.errorCode()));
        }
        described.append(' ');
      }
      pages.add(described.toString().trim());
      if (answer.nextCursor() == null) {
        break;
      }
      asked.setCursor(
          new DescribeTopicPartitionsRequestData.Cursor()
              .setTopicName(answer.nextCursor().topicName())
              .setPartitionIndex(answer.nextCursor().partitionIndex()));
    }
    assertEquals(
        List.of("a[0, 1, 2]", "a[3, 4] b[0]", "b[1] missing[]UNKNOWN_TOPIC_OR_PARTITION"), pages);
  }

  @Test
  void theAdminApisAreAdvertisedInEveryVersionKafkaClientsDecodes() throws Exception {
    ApiVersionsResponse versions;
    try (RawConnection raw = new RawConnection(server.address())) {
      versions =
          (ApiVersionsResponse)
              raw.send(ApiKeys.API_VERSIONS, new ApiVersionsRequest.Builder().build((short) 3));
    }
    for (ApiKeys api :
        List.of(
            ApiKeys.CREATE_TOPICS,
            ApiKeys.DELETE_TOPICS,
            ApiKeys.CREATE_PARTITIONS,
            ApiKeys.DESCRIBE_CONFIGS,
            ApiKeys.INCREMENTAL_ALTER_CONFIGS,
            ApiKeys.DELETE_RECORDS,
            ApiKeys.DESCRIBE_CLUSTER,
            ApiKeys.DESCRIBE_TOPIC_PARTITIONS)) {
      ApiVersion advertised = versions.apiVersion(api.id);
      assertTrue(advertised != null, api + " is advertised");
      assertEquals(api.oldestVersion(), advertised.minVersion(), api + " oldest");
      assertEquals(api.latestVersion(), advertised.maxVersion(), api + " latest");
    }
  }
}
