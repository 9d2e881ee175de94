package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.internal.storage.RecordBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link StoredBatches}: Kafka record batches stored and read as they are. */
class StoredBatchesTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final TopicPartition T0 = TopicPartition.of("t", 0);

  /** A batch as a Kafka producer sends it: base offset 0, {@code count} records "v0".."vN". */
  private static byte[] batch(int count, long firstTimestamp, boolean keys) {
    ByteBuffer out = ByteBuffer.allocate(64 + count * 64);
    RecordBatch.Encoder encoder = new RecordBatch.Encoder(out, 0, firstTimestamp);
    for (int i = 0; i < count; i++) {
      encoder.add(
          i, firstTimestamp + i, keys ? ("k" + i).getBytes() : null, ("v" + i).getBytes(), null);
    }
    return encoder.toBytes();
  }

  @Test
  void aBatchIsStoredAsItCameAtTheNextOffsetAndReadsBackAsRecords() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", "before", "x"));
    byte[] sent = batch(3, 1_700_000_000_000L, false);
    ByteBuffer.wrap(sent).putInt(12, -1); // a producer's "no leader epoch"
    assertEquals(1L, log.batches().append(T0, sent).join());
    assertEquals(4, log.nextOffset(T0));
    List<LogRecord> records = log.read(T0, 1, ReadLimit.DEFAULT);
    assertEquals(
        List.of("v0", "v1", "v2"), records.stream().map(LogRecord::valueAsString).toList());
    assertEquals(1_700_000_000_002L, records.get(2).timestampMs());
    List<ByteBuffer> stored = new ArrayList<>();
    assertEquals(1, log.batches().read(T0, 2, Long.MAX_VALUE, stored::add));
    byte[] row = new byte[stored.get(0).remaining()];
    stored.get(0).get(row);
    assertEquals(1L, ByteBuffer.wrap(row).getLong(0), "the base offset is the one given");
    assertEquals(0, ByteBuffer.wrap(row).getInt(12), "the partition leader epoch is 0");
    assertArrayEquals(
        Arrays.copyOfRange(sent, 16, sent.length),
        Arrays.copyOfRange(row, 16, row.length),
        "everything the batch's CRC covers is as it came");
    assertEquals(log.verify().problems(), List.of());
  }

  @Test
  void readVisitsWholeBatchesFromTheOneHoldingTheOffsetWithinTheBytes() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    for (int i = 0; i < 5; i++) {
      log.batches().append(T0, batch(10, 1_000 + i, false)).join();
    }
    List<Long> bases = new ArrayList<>();
    int size = batch(10, 1_000, false).length;
    log.batches().read(T0, 15, 2L * size, b -> bases.add(b.getLong(0)));
    assertEquals(List.of(10L, 20L), bases, "from the batch holding 15, two fit");
    bases.clear();
    log.batches().read(T0, 0, 1, b -> bases.add(b.getLong(0)));
    assertEquals(List.of(0L), bases, "the first batch goes whatever its size");
    bases.clear();
    assertEquals(0, log.batches().read(T0, 50, Long.MAX_VALUE, b -> bases.add(b.getLong(0))));
  }

  @Test
  void batchesTheFileCannotStoreAsTheyAreAreRefusedSayingWhy() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    log.createTopic(TopicSpec.named("c").withCleanupPolicy(CleanupPolicy.COMPACT));
    byte[] badCrc = batch(2, 5, false);
    badCrc[badCrc.length - 1] ^= 1;
    assertRefused(log, T0, badCrc, "CRC32C does not match");
    byte[] compressed = batch(2, 5, false);
    compressed[22] = 1;
    fixCrc(compressed);
    assertRefused(log, T0, compressed, "attributes 1");
    assertRefused(log, T0, batch(2, -5, false), "timestamp is -5");
    assertRefused(log, TopicPartition.of("c", 0), batch(2, 5, false), "without a key");
    assertThrows(
        UnknownPartitionException.class,
        () -> log.batches().append(TopicPartition.of("t", 3), batch(1, 5, false)));
    assertEquals(0, log.nextOffset(T0), "nothing was stored");
    assertEquals(0L, log.batches().append(TopicPartition.of("c", 0), batch(2, 5, true)).join());
  }

  private static void fixCrc(byte[] batch) {
    ByteBuffer.wrap(batch).putInt(17, (int) RecordBatch.kafkaCrc(batch));
  }

  private static void assertRefused(OneLog log, TopicPartition p, byte[] batch, String why) {
    InvalidRecordException e =
        assertThrows(InvalidRecordException.class, () -> log.batches().append(p, batch));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }
}
