package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicSpec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every version the server advertises, of every API it answers, over a raw socket: the request is
 * written with kafka-clients' message classes in that version, and the response must come back,
 * parse in that version, and carry no error. A field set in a version that lacks it fails the
 * response's encoding, which a client sees as a hang; here it is a failed test.
 */
class ProtocolVersionsTest {
  @TempDir Path dir;

  private OneLog log;
  private KafkaServer server;
  private RawConnection raw;
  private Socket socket;
  private DataOutputStream out;
  private DataInputStream in;
  private int correlationId;

  @BeforeEach
  void start() throws IOException {
    log = OneLog.open(dir.resolve("versions.db"));
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", "k", "v"));
    server = KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start();
    raw = new RawConnection(server.address());
    socket = new Socket("127.0.0.1", server.address().getPort());
    socket.setSoTimeout(10_000);
    out = new DataOutputStream(socket.getOutputStream());
    in = new DataInputStream(socket.getInputStream());
  }

  @AfterEach
  void stop() throws IOException {
    raw.close();
    socket.close();
    server.close();
    log.close();
  }

  private AbstractResponse call(ApiKeys api, short version, ApiMessage body) throws IOException {
    return raw.send(api, version, body);
  }

  private List<ApiVersionsResponseData.ApiVersion> advertised() throws IOException {
    ApiVersionsResponseData data =
        (ApiVersionsResponseData)
            call(
                    ApiKeys.API_VERSIONS,
                    (short) 3,
                    new ApiVersionsRequestData()
                        .setClientSoftwareName("test")
                        .setClientSoftwareVersion("1"))
                .data();
    return new ArrayList<>(data.apiKeys());
  }

  @Test
  void everyAdvertisedVersionAnswersAndParses() throws IOException {
    MetadataRequestData metadata = new MetadataRequestData();
    metadata.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("t"));
    Uuid topicId =
        ((MetadataResponseData) call(ApiKeys.METADATA, (short) 12, metadata).data())
            .topics()
            .find("t")
            .topicId();
    int calls = 0;
    for (ApiVersionsResponseData.ApiVersion range : advertised()) {
      ApiKeys api = ApiKeys.forId(range.apiKey());
      for (short v = range.minVersion(); v <= range.maxVersion(); v++) {
        ApiMessage request = request(api, v, topicId);
        if (request == null) {
          continue; // answered by a later test class of its own
        }
        AbstractResponse response = call(api, v, request);
        assertTrue(
            response.errorCounts().keySet().stream().allMatch(e -> e == Errors.NONE),
            api + " v" + v + ": " + response.errorCounts());
        check(api, v, response);
        calls++;
      }
    }
    assertTrue(calls >= 40, "versions exercised: " + calls);
  }

  /** A plain request of each API this class knows, valid in {@code version}. */
  private static ApiMessage request(ApiKeys api, short version, Uuid topicId) {
    boolean byId = version >= 13 && (api == ApiKeys.FETCH || api == ApiKeys.PRODUCE);
    switch (api) {
      case API_VERSIONS:
        return version >= 3
            ? new ApiVersionsRequestData().setClientSoftwareName("t").setClientSoftwareVersion("1")
            : new ApiVersionsRequestData();
      case METADATA:
        MetadataRequestData metadata = new MetadataRequestData();
        metadata.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("t"));
        return metadata;
      case LIST_OFFSETS:
        ListOffsetsRequestData offsets = new ListOffsetsRequestData().setReplicaId(-1);
        offsets
            .topics()
            .add(
                new ListOffsetsRequestData.ListOffsetsTopic()
                    .setName("t")
                    .setPartitions(
                        List.of(
                            new ListOffsetsRequestData.ListOffsetsPartition()
                                .setPartitionIndex(0)
                                .setTimestamp(-2))));
        return offsets;
      case FETCH:
        FetchRequestData fetch =
            new FetchRequestData()
                .setReplicaId(-1)
                .setMaxWaitMs(0)
                .setMinBytes(1)
                .setMaxBytes(1 << 20);
        fetch
            .topics()
            .add(
                new FetchRequestData.FetchTopic()
                    .setTopic(byId ? "" : "t")
                    .setTopicId(byId ? topicId : Uuid.ZERO_UUID)
                    .setPartitions(
                        List.of(
                            new FetchRequestData.FetchPartition()
                                .setPartition(0)
                                .setFetchOffset(0)
                                .setPartitionMaxBytes(1 << 20))));
        return fetch;
      case PRODUCE:
        ProduceRequestData produce = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5000);
        ProduceRequestData.TopicProduceData topic =
            new ProduceRequestData.TopicProduceData()
                .setName(byId ? "" : "t")
                .setTopicId(byId ? topicId : Uuid.ZERO_UUID);
        topic
            .partitionData()
            .add(
                new ProduceRequestData.PartitionProduceData()
                    .setIndex(0)
                    .setRecords(
                        MemoryRecords.withRecords(
                            Compression.NONE, new SimpleRecord("pk".getBytes(), "pv".getBytes()))));
        produce.topicData().add(topic);
        return produce;
      case OFFSET_FOR_LEADER_EPOCH:
        return epochRequest(0, 0);
      case INIT_PRODUCER_ID:
        return new InitProducerIdRequestData()
            .setTransactionalId(null)
            .setTransactionTimeoutMs(1000);
      default:
        return null;
    }
  }

  private static void check(ApiKeys api, short version, AbstractResponse response) {
    String at = api + " v" + version;
    switch (api) {
      case METADATA ->
          assertEquals(
              1,
              ((MetadataResponseData) response.data()).topics().find("t").partitions().size(),
              at);
      case LIST_OFFSETS ->
          assertEquals(
              0L,
              ((ListOffsetsResponseData) response.data())
                  .topics()
                  .get(0)
                  .partitions()
                  .get(0)
                  .offset(),
              at);
      case FETCH -> {
        FetchResponseData.PartitionData partition =
            ((FetchResponseData) response.data()).responses().get(0).partitions().get(0);
        assertTrue(((MemoryRecords) partition.records()).sizeInBytes() > 0, at + ": records");
        assertTrue(partition.highWatermark() >= 1, at);
      }
      case PRODUCE ->
          assertTrue(
              ((ProduceResponseData) response.data())
                      .responses()
                      .iterator()
                      .next()
                      .partitionResponses()
                      .get(0)
                      .baseOffset()
                  >= 1,
              at);
      case INIT_PRODUCER_ID ->
          assertTrue(((InitProducerIdResponseData) response.data()).producerId() >= 0, at);
      case OFFSET_FOR_LEADER_EPOCH -> {
        OffsetForLeaderEpochResponseData.EpochEndOffset end = epochAnswer(response);
        assertEquals(0, end.leaderEpoch(), at);
        assertTrue(end.endOffset() >= 1, at + ": " + end);
      }
      default -> {}
    }
  }

  private static OffsetForLeaderEpochRequestData epochRequest(int currentEpoch, int epoch) {
    OffsetForLeaderEpochRequestData request = new OffsetForLeaderEpochRequestData();
    request
        .topics()
        .add(
            new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic()
                .setTopic("t")
                .setPartitions(
                    List.of(
                        new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                            .setPartition(0)
                            .setCurrentLeaderEpoch(currentEpoch)
                            .setLeaderEpoch(epoch))));
    return request;
  }

  private static OffsetForLeaderEpochResponseData.EpochEndOffset epochAnswer(
      AbstractResponse response) {
    return ((OffsetForLeaderEpochResponseData) response.data())
        .topics()
        .iterator()
        .next()
        .partitions()
        .get(0);
  }

  @Test
  void offsetForLeaderEpochKnowsOneEpochEndingAtTheNextOffset() throws IOException {
    short v = ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion();
    var newer = epochAnswer(call(ApiKeys.OFFSET_FOR_LEADER_EPOCH, v, epochRequest(3, 3)));
    assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), newer.errorCode(), newer.toString());
    var undefined = epochAnswer(call(ApiKeys.OFFSET_FOR_LEADER_EPOCH, v, epochRequest(-1, -1)));
    assertEquals(Errors.NONE.code(), undefined.errorCode());
    assertEquals(-1, undefined.leaderEpoch());
    assertEquals(-1L, undefined.endOffset());
    var later = epochAnswer(call(ApiKeys.OFFSET_FOR_LEADER_EPOCH, v, epochRequest(-1, 7)));
    assertEquals(0, later.leaderEpoch());
    OffsetForLeaderEpochRequestData unknown = epochRequest(0, 0);
    unknown.topics().iterator().next().setTopic("no-such-topic");
    assertEquals(
        Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
        epochAnswer(call(ApiKeys.OFFSET_FOR_LEADER_EPOCH, v, unknown)).errorCode());
  }

  @Test
  void anApiVersionsRequestInAnUnknownVersionIsAnsweredInVersionZero() throws IOException {
    int id = ++correlationId;
    ByteBuffer header = ByteBuffer.allocate(2 + 2 + 4 + 2);
    header.putShort(ApiKeys.API_VERSIONS.id).putShort((short) 99).putInt(id).putShort((short) -1);
    out.writeInt(header.capacity());
    out.write(header.array());
    out.flush();
    byte[] frame = new byte[in.readInt()];
    in.readFully(frame);
    ByteBuffer buffer = ByteBuffer.wrap(frame);
    assertEquals(id, ResponseHeader.parse(buffer, (short) 0).correlationId());
    ApiVersionsResponseData data =
        (ApiVersionsResponseData)
            AbstractResponse.parseResponse(
                    ApiKeys.API_VERSIONS, new ByteBufferAccessor(buffer), (short) 0)
                .data();
    assertEquals(Errors.UNSUPPORTED_VERSION.code(), data.errorCode());
    assertTrue(data.apiKeys().find(ApiKeys.FETCH.id) != null, "lists what the server answers");
  }
}
