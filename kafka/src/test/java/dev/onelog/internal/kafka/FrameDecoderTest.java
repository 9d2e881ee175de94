package dev.onelog.internal.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The arrival clock of {@link FrameDecoder}, on Netty's embedded channel with its time frozen. */
class FrameDecoderTest {
  private static final Duration ARRIVAL = Duration.ofSeconds(2);

  private EmbeddedChannel channel;

  @BeforeEach
  void open() {
    channel = new EmbeddedChannel(new FrameDecoder(1024, ARRIVAL));
    channel.freezeTime();
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  /** The first {@code bytes} of a frame of {@code size} bytes, size prefix included. */
  private static ByteBuf start(int size, int bytes) {
    return Unpooled.buffer().writeInt(size).writeZero(bytes - 4);
  }

  private void advanceMillis(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void aFrameNotWholeWithinTheArrivalTimeoutClosesItsConnection() {
    channel.writeInbound(start(200, 10));
    advanceMillis(ARRIVAL.toMillis() - 1);
    assertTrue(channel.isOpen(), "closed before the timeout");
    advanceMillis(1);
    assertFalse(channel.isOpen(), "open after the timeout");
  }

  @Test
  void twoBytesOfASizeStartTheClock() {
    channel.writeInbound(Unpooled.buffer().writeShort(0));
    advanceMillis(ARRIVAL.toMillis());
    assertFalse(channel.isOpen());
  }

  @Test
  void eachFrameHasItsOwnClockFromItsFirstByte() {
    channel.writeInbound(start(8, 6));
    advanceMillis(1_500);
    // the rest of the first frame, and the first bytes of the next
    channel.writeInbound(Unpooled.buffer().writeZero(6).writeInt(8));
    ByteBuf first = channel.readInbound();
    first.release();
    advanceMillis(1_500);
    assertTrue(channel.isOpen(), "the second frame's clock started with the first's");
    advanceMillis(500);
    assertFalse(channel.isOpen());
  }

  @Test
  void aConnectionBetweenFramesHasNoClock() {
    channel.writeInbound(start(8, 12));
    ByteBuf frame = channel.readInbound();
    frame.release();
    advanceMillis(ARRIVAL.toMillis() * 10);
    assertTrue(channel.isOpen());
  }

  @Test
  void theClockDoesNotRunOutWhileTheServerIsNotReading() {
    channel.writeInbound(start(200, 10));
    channel.config().setAutoRead(false); // as Connection does with too many requests in flight
    advanceMillis(ARRIVAL.toMillis());
    assertTrue(channel.isOpen(), "closed for bytes the server did not read");
    channel.config().setAutoRead(true);
    advanceMillis(ARRIVAL.toMillis());
    assertFalse(channel.isOpen());
  }
}
