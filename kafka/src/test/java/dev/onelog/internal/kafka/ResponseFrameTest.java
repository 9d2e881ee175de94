package dev.onelog.internal.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;

/**
 * A response written as a frame of wrapped buffers ({@link Response#toFrame}) reads back, through
 * kafka-clients' own parser, as the response it was: stored batches sent without being gathered
 * into one buffer arrive whole and in order.
 */
class ResponseFrameTest {
  @Test
  void fetchResponseWithStoredBatchesReadsBackAsSent() {
    List<ByteBuffer> stored = List.of(batch(0, 3), batch(3, 1), batch(4, 5));
    MemoryRecords single = MemoryRecords.readableRecords(batch(100, 2));
    FetchResponseData data = new FetchResponseData();
    data.responses()
        .add(
            new FetchableTopicResponse()
                .setTopic("orders")
                .setPartitions(
                    new ArrayList<>(
                        List.of(
                            partition(0, new StoredRecords(stored), 9),
                            partition(1, single, 102),
                            partition(2, MemoryRecords.EMPTY, 0)))));
    short version = 12;
    RequestHeader request =
        new RequestHeader(
            new RequestHeaderData()
                .setRequestApiKey(ApiKeys.FETCH.id)
                .setRequestApiVersion(version)
                .setCorrelationId(42)
                .setClientId("test"),
            ApiKeys.FETCH.requestHeaderVersion(version));

    List<ByteBuf> frame = new Response(request, FetchResponse.of(data)).toFrame();
    ByteBuffer bytes = ByteBuffer.allocate(frame.stream().mapToInt(ByteBuf::readableBytes).sum());
    for (ByteBuf part : frame) {
      bytes.put(part.nioBuffer());
      part.release();
    }
    bytes.flip();

    assertEquals(bytes.remaining() - 4, bytes.getInt(), "the frame's size prefix");
    ResponseHeader header =
        ResponseHeader.parse(bytes, ApiKeys.FETCH.responseHeaderVersion(version));
    assertEquals(42, header.correlationId());
    FetchResponseData read = FetchResponse.parse(new ByteBufferAccessor(bytes), version).data();
    assertEquals(0, bytes.remaining(), "nothing after the response");

    List<PartitionData> partitions = read.responses().get(0).partitions();
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), offsets(partitions.get(0)));
    assertEquals(List.of(100L, 101L), offsets(partitions.get(1)));
    assertEquals(List.of(), offsets(partitions.get(2)));
    assertEquals(9, partitions.get(0).highWatermark());
    assertEquals("value-4", new String(valueOf(firstRecordAt(partitions.get(0), 4)), UTF_8));
  }

  private static PartitionData partition(
      int index, org.apache.kafka.common.record.BaseRecords records, long highWatermark) {
    return new PartitionData()
        .setPartitionIndex(index)
        .setHighWatermark(highWatermark)
        .setRecords(records);
  }

  private static ByteBuffer batch(long baseOffset, int count) {
    MemoryRecordsBuilder builder =
        MemoryRecords.builder(
            ByteBuffer.allocate(1024),
            RecordBatch.CURRENT_MAGIC_VALUE,
            Compression.NONE,
            TimestampType.CREATE_TIME,
            baseOffset);
    for (int i = 0; i < count; i++) {
      long offset = baseOffset + i;
      builder.append(
          new SimpleRecord(
              1_000L + offset,
              ("key-" + offset).getBytes(UTF_8),
              ("value-" + offset).getBytes(UTF_8)));
    }
    return builder.build().buffer();
  }

  private static List<Long> offsets(PartitionData partition) {
    List<Long> offsets = new ArrayList<>();
    for (Record record : ((Records) partition.records()).records()) {
      offsets.add(record.offset());
    }
    return offsets;
  }

  private static Record firstRecordAt(PartitionData partition, long offset) {
    for (Record record : ((Records) partition.records()).records()) {
      if (record.offset() == offset) {
        return record;
      }
    }
    throw new AssertionError("no record at " + offset);
  }

  private static byte[] valueOf(Record record) {
    byte[] value = new byte[record.valueSize()];
    record.value().get(value);
    return value;
  }
}
