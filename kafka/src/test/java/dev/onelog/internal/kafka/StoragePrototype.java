package dev.onelog.internal.kafka;

import dev.onelog.Durability;
import dev.onelog.OneLog;
import dev.onelog.kafka.KafkaServer;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.zip.CRC32C;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Not a test: the measurement behind the storage decision (docs/BENCHMARKS.md, "Storing Kafka's
 * record batches"). {@code server FILE current|v2} serves a fresh file; in {@code v2} its Produce
 * and Fetch are replaced by a prototype that stores each produced Kafka batch as it came (CRC
 * checked, base offset rewritten) as one row of a table shaped like a log table, in the log's own
 * group commit, and answers fetches by concatenating stored rows. One partition, uncompressed
 * batches, no idempotence checks: enough to measure the cost of the two layouts, not a server.
 * {@code client HOST:PORT RECORDS ROUNDS} produces RECORDS records of 100 bytes with the
 * benchmark's producer settings and reads them back ROUNDS times.
 *
 * <pre>
 * mvn -q -pl kafka test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt \
 *     -Dmdep.includeScope=test
 * java -cp kafka/target/test-classes:kafka/target/classes:$(cat /tmp/cp.txt) \
 *     dev.onelog.internal.kafka.StoragePrototype server /tmp/p.db v2 | sleep 100000 &
 * java -cp ... dev.onelog.internal.kafka.StoragePrototype client 127.0.0.1:PORT 2000000 3
 * </pre>
 */
public final class StoragePrototype {
  private StoragePrototype() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("server")) {
      serve(Path.of(args[1]), args[2]);
    } else if (args[0].equals("sizes")) {
      sizes();
    } else {
      client(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    }
  }

  private static void serve(Path file, String mode) throws Exception {
    try (OneLog log = OneLog.builder(file).durability(Durability.FSYNC).open();
        KafkaServer server =
            KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
      if (mode.equals("null")) {
        NullServer nothing = new NullServer();
        apis(server).add(ApiKeys.PRODUCE, 3, 13, nothing::produce);
        apis(server).add(ApiKeys.FETCH, 4, 18, nothing::fetch);
      } else if (mode.equals("v2")) {
        log.transaction(
            tx ->
                tx.execute(
                    "CREATE TABLE proto_v2 (last_offset INTEGER PRIMARY KEY, base_offset INTEGER"
                        + " NOT NULL, record_count INTEGER NOT NULL, max_timestamp_ms INTEGER NOT"
                        + " NULL, records BLOB NOT NULL, crc INTEGER NOT NULL)"));
        Apis apis = apis(server);
        Prototype prototype = new Prototype(log, file);
        apis.add(ApiKeys.PRODUCE, 3, 13, prototype::produce);
        apis.add(ApiKeys.FETCH, 4, 18, prototype::fetch);
      }
      System.out.println("READY " + server.bootstrapServers());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until standard input closes
      }
    }
  }

  private static Apis apis(KafkaServer server) throws ReflectiveOperationException {
    Field pipeline = KafkaServer.class.getDeclaredField("pipeline");
    pipeline.setAccessible(true);
    Field apis = KafkaPipeline.class.getDeclaredField("apis");
    apis.setAccessible(true);
    return (Apis) apis.get(pipeline.get(server));
  }

  /** Batches stored as they came, in one table; offsets counted on the writer thread. */
  private static final class Prototype {
    private final OneLog log;
    private final ThreadLocal<Connection> readers;
    private long nextOffset; // the writer thread's

    Prototype(OneLog log, Path file) {
      this.log = log;
      this.readers =
          ThreadLocal.withInitial(
              () -> {
                try {
                  return DriverManager.getConnection("jdbc:sqlite:" + file);
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
    }

    CompletableFuture<org.apache.kafka.common.requests.AbstractResponse> produce(Request request) {
      ProduceRequestData data = ((ProduceRequest) request.body()).data();
      ProduceRequestData.TopicProduceData topic = data.topicData().iterator().next();
      ProduceRequestData.PartitionProduceData partition = topic.partitionData().get(0);
      List<byte[]> batches = new ArrayList<>();
      for (MutableRecordBatch batch : ((MemoryRecords) partition.records()).batches()) {
        batch.ensureValid();
        ByteBuffer bytes = ByteBuffer.allocate(batch.sizeInBytes());
        batch.writeTo(bytes);
        batches.add(bytes.array());
      }
      return log.transactionAsync(
              tx -> {
                long base = nextOffset;
                for (byte[] batch : batches) {
                  ByteBuffer view = ByteBuffer.wrap(batch);
                  int count = view.getInt(57);
                  long maxTimestamp = view.getLong(35);
                  view.putLong(0, nextOffset);
                  CRC32C crc = new CRC32C();
                  crc.update(batch);
                  tx.execute(
                      "INSERT INTO proto_v2 VALUES (?, ?, ?, ?, ?, ?)",
                      nextOffset + count - 1,
                      nextOffset,
                      count,
                      maxTimestamp,
                      batch,
                      crc.getValue());
                  nextOffset += count;
                }
                return base;
              })
          .thenApply(
              base -> {
                ProduceResponseData response = new ProduceResponseData();
                ProduceResponseData.TopicProduceResponse out =
                    new ProduceResponseData.TopicProduceResponse()
                        .setName(topic.name())
                        .setTopicId(topic.topicId());
                out.partitionResponses()
                    .add(
                        new ProduceResponseData.PartitionProduceResponse()
                            .setIndex(partition.index())
                            .setBaseOffset(base)
                            .setLogAppendTimeMs(-1));
                response.responses().add(out);
                return new ProduceResponse(response);
              });
    }

    CompletableFuture<org.apache.kafka.common.requests.AbstractResponse> fetch(Request request) {
      FetchRequestData data = ((FetchRequest) request.body()).data();
      FetchResponseData response = new FetchResponseData();
      try {
        Connection c = readers.get();
        long next;
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery("SELECT coalesce(max(last_offset) + 1, 0) FROM proto_v2")) {
          next = rs.next() ? rs.getLong(1) : 0;
        }
        for (FetchRequestData.FetchTopic asked : data.topics()) {
          FetchResponseData.FetchableTopicResponse topic =
              new FetchResponseData.FetchableTopicResponse()
                  .setTopic(asked.topic())
                  .setTopicId(asked.topicId());
          response.responses().add(topic);
          for (FetchRequestData.FetchPartition partition : asked.partitions()) {
            ByteBuffer out = ByteBuffer.allocate(partition.partitionMaxBytes());
            try (PreparedStatement select =
                c.prepareStatement(
                    "SELECT records FROM proto_v2 WHERE last_offset >= ? ORDER BY last_offset")) {
              select.setLong(1, partition.fetchOffset());
              try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                  byte[] batch = rs.getBytes(1);
                  if (batch.length > out.remaining()) {
                    break;
                  }
                  out.put(batch);
                }
              }
            }
            out.flip();
            topic
                .partitions()
                .add(
                    new FetchResponseData.PartitionData()
                        .setPartitionIndex(partition.partition())
                        .setHighWatermark(next)
                        .setLastStableOffset(next)
                        .setLogStartOffset(0)
                        .setRecords(MemoryRecords.readableRecords(out)));
          }
        }
      } catch (SQLException e) {
        return CompletableFuture.failedFuture(e);
      }
      return CompletableFuture.completedFuture(FetchResponse.of(response));
    }
  }

  /**
   * The clients' ceiling: produces acknowledged without being stored, fetches answered from batches
   * of 10,000 records of 100 bytes made once in memory.
   */
  private static final class NullServer {
    private static final int BATCH = 10_000;
    private final java.util.concurrent.atomic.AtomicLong next =
        new java.util.concurrent.atomic.AtomicLong();
    private final List<MemoryRecords> batches = new ArrayList<>();

    NullServer() {
      byte[] value = new byte[100];
      for (int base = 0; base < 2_000_000; base += BATCH) {
        org.apache.kafka.common.record.MemoryRecordsBuilder builder =
            MemoryRecords.builder(
                ByteBuffer.allocate(BATCH * 120),
                org.apache.kafka.common.compress.Compression.NONE,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                base);
        for (int i = 0; i < BATCH; i++) {
          builder.appendWithOffset(base + i, 1_700_000_000_000L + i, null, value);
        }
        batches.add(builder.build());
      }
    }

    CompletableFuture<org.apache.kafka.common.requests.AbstractResponse> produce(Request request) {
      ProduceRequestData data = ((ProduceRequest) request.body()).data();
      ProduceResponseData response = new ProduceResponseData();
      for (ProduceRequestData.TopicProduceData topic : data.topicData()) {
        ProduceResponseData.TopicProduceResponse out =
            new ProduceResponseData.TopicProduceResponse()
                .setName(topic.name())
                .setTopicId(topic.topicId());
        for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
          int count = 0;
          for (MutableRecordBatch batch : ((MemoryRecords) partition.records()).batches()) {
            count += batch.countOrNull();
          }
          out.partitionResponses()
              .add(
                  new ProduceResponseData.PartitionProduceResponse()
                      .setIndex(partition.index())
                      .setBaseOffset(next.getAndAdd(count))
                      .setLogAppendTimeMs(-1));
        }
        response.responses().add(out);
      }
      return CompletableFuture.completedFuture(new ProduceResponse(response));
    }

    CompletableFuture<org.apache.kafka.common.requests.AbstractResponse> fetch(Request request) {
      FetchRequestData data = ((FetchRequest) request.body()).data();
      FetchResponseData response = new FetchResponseData();
      for (FetchRequestData.FetchTopic asked : data.topics()) {
        FetchResponseData.FetchableTopicResponse topic =
            new FetchResponseData.FetchableTopicResponse()
                .setTopic(asked.topic())
                .setTopicId(asked.topicId());
        response.responses().add(topic);
        for (FetchRequestData.FetchPartition partition : asked.partitions()) {
          ByteBuffer out = ByteBuffer.allocate(partition.partitionMaxBytes());
          for (int i = (int) (partition.fetchOffset() / BATCH); i < batches.size(); i++) {
            ByteBuffer batch = batches.get(i).buffer().duplicate();
            if (batch.remaining() > out.remaining()) {
              break;
            }
            out.put(batch);
          }
          out.flip();
          long end = Math.min(next.get(), (long) BATCH * batches.size());
          topic
              .partitions()
              .add(
                  new FetchResponseData.PartitionData()
                      .setPartitionIndex(partition.partition())
                      .setHighWatermark(end)
                      .setLastStableOffset(end)
                      .setLogStartOffset(0)
                      .setRecords(MemoryRecords.readableRecords(out)));
        }
      }
      return CompletableFuture.completedFuture(FetchResponse.of(response));
    }
  }

  /** Bytes a record takes in each layout, for JSON events of about 100 bytes. */
  private static void sizes() {
    Random random = new Random(7);
    String[] users = {"alice", "bob", "carol", "dave", "erin", "frank"};
    String[] types = {"order.created", "order.paid", "order.shipped", "order.cancelled"};
    int n = 200_000;
    List<byte[]> values = new ArrayList<>(n);
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      byte[] value =
          String.format(
                  "{\"id\":%d,\"user\":\"%s\",\"type\":\"%s\",\"amount\":%d.%02d,"
                      + "\"currency\":\"EUR\",\"ts\":%d}",
                  1_000_000 + i,
                  users[random.nextInt(users.length)],
                  types[random.nextInt(types.length)],
                  random.nextInt(500),
                  random.nextInt(100),
                  1_700_000_000_000L + i * 7L)
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      values.add(value);
      bytes += value.length;
    }
    System.out.printf("values: %.1f bytes on average%n", bytes / (double) n);
    System.out.printf("onelog's layout (format 5): %.1f bytes a record%n", (bytes + 24.0 * n) / n);
    for (org.apache.kafka.common.compress.Compression compression :
        List.of(
            org.apache.kafka.common.compress.Compression.NONE,
            org.apache.kafka.common.compress.Compression.gzip().build(),
            org.apache.kafka.common.compress.Compression.zstd().build(),
            org.apache.kafka.common.compress.Compression.lz4().build(),
            org.apache.kafka.common.compress.Compression.snappy().build())) {
      long total = 0;
      for (int base = 0; base < n; ) {
        org.apache.kafka.common.record.MemoryRecordsBuilder builder =
            MemoryRecords.builder(
                ByteBuffer.allocate(300_000),
                compression,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                base);
        int i = base;
        while (i < n && builder.estimatedSizeInBytes() < 256 * 1024) {
          builder.appendWithOffset(i, 1_700_000_000_000L + i, null, values.get(i));
          i++;
        }
        total += builder.build().sizeInBytes();
        base = i;
      }
      System.out.printf(
          "Kafka v2, %s, 256 KiB batches: %.1f bytes a record%n",
          compression.type(), total / (double) n);
    }
  }

  private static void client(String bootstrap, int records, int rounds)
      throws InterruptedException, ExecutionException {
    byte[] value = new byte[100];
    new Random(1).nextBytes(value);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic("p", 1, (short) 1))).all().get();
    }
    Map<String, Object> producerConfig =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.BATCH_SIZE_CONFIG,
            262_144,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            false);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.partitionsFor("p");
      long start = System.nanoTime();
      List<Thread> senders = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        Thread sender =
            new Thread(
                () -> {
                  for (int i = first; i < records; i += 4) {
                    producer.send(new ProducerRecord<>("p", null, value));
                  }
                });
        sender.start();
        senders.add(sender);
      }
      for (Thread sender : senders) {
        sender.join();
      }
      producer.flush();
      System.out.printf("produce %.0f records/s%n", records / ((System.nanoTime() - start) / 1e9));
    }
    Map<String, Object> consumerConfig =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            10_000,
            ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
            64 << 20,
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
            16 << 20,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    for (int round = 0; round < rounds; round++) {
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(
              consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        TopicPartition p = new TopicPartition("p", 0);
        consumer.assign(List.of(p));
        consumer.seekToBeginning(List.of(p));
        long got = 0;
        long start = System.nanoTime();
        while (got < records) {
          got += consumer.poll(Duration.ofMillis(100)).count();
        }
        System.out.printf(
            "consume %.0f records/s%n", records / ((System.nanoTime() - start) / 1e9));
      }
    }
  }
}
