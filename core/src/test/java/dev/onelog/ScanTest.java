package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link OneLog#scan}: the records {@link OneLog#read} returns, visited as views. */
class ScanTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final TopicPartition T0 = TopicPartition.of("t", 0);

  @Test
  void visitsWhatReadReturnsWithTheSameLimits() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    List<ProducerRecord> sent = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      sent.add(
          new ProducerRecord(
              "t",
              0,
              1_700_000_000_000L + i,
              i % 7 == 0 ? null : ("k" + i).getBytes(),
              i % 11 == 0 ? null : ("value " + i).getBytes(),
              i % 5 == 0
                  ? List.of(Header.of("h", "x" + i), Header.of("h", (byte[]) null))
                  : List.of()));
    }
    log.send(sent).join();
    for (ReadLimit limit :
        List.of(
            ReadLimit.DEFAULT,
            new ReadLimit(1, Long.MAX_VALUE),
            new ReadLimit(100_000, 1),
            new ReadLimit(100_000, 10_000),
            new ReadLimit(2500, Long.MAX_VALUE))) {
      for (long from : new long[] {0, 1, 999, 2999, 3000}) {
        List<LogRecord> read = log.read(T0, from, limit);
        List<LogRecord> visited = new ArrayList<>();
        int count = log.scan(T0, from, limit, view -> visited.add(view.toRecord()));
        assertEquals(read.size(), count, limit + " from " + from);
        assertEquals(read.size(), visited.size());
        for (int i = 0; i < read.size(); i++) {
          assertSame(read.get(i), visited.get(i));
        }
      }
    }
  }

  @Test
  void viewsShowKeyValueAndHeadersWithoutCopies() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    log.append(
        new ProducerRecord(
            "t", 0, 5L, "key".getBytes(), new byte[0], List.of(Header.of("a", "1"))));
    log.append(new ProducerRecord("t", 0, 6L, null, null, List.of()));
    List<String> seen = new ArrayList<>();
    log.scan(
        T0,
        0,
        ReadLimit.DEFAULT,
        view -> {
          if (view.offset() == 0) {
            assertEquals("key", text(view.key()));
            assertEquals(0, view.value().remaining());
            assertEquals(List.of(Header.of("a", "1")), view.headers());
            assertEquals(
                3 + 0 + 5, view.sizeInBytes()); // headers: count, "a", "1", each length-prefixed
          } else {
            assertNull(view.key());
            assertNull(view.value());
            assertTrue(view.headers().isEmpty());
            assertEquals(6L, view.timestampMs());
          }
          seen.add(view.offset() + "@" + view.timestampMs());
        });
    assertEquals(List.of("0@5", "1@6"), seen);
  }

  @Test
  void aDamagedBatchFailsTheScanThatReachesIt() throws Exception {
    logs.skipInvariants();
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", "k", "v"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + log.path());
        Statement s = c.createStatement()) {
      s.execute("UPDATE log_1_0 SET records = X'FF' || substr(records, 2)");
    }
    List<Long> visited = new ArrayList<>();
    assertThrows(
        CorruptRecordException.class,
        () -> log.scan(T0, 0, ReadLimit.DEFAULT, view -> visited.add(view.offset())));
    assertEquals(List.of(), visited);
  }

  private static void assertSame(LogRecord expected, LogRecord actual) {
    assertEquals(expected.offset(), actual.offset());
    assertEquals(expected.timestampMs(), actual.timestampMs());
    assertArrayEquals(expected.key(), actual.key());
    assertArrayEquals(expected.value(), actual.value());
    assertEquals(expected.headers(), actual.headers());
  }

  private static String text(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }
}
