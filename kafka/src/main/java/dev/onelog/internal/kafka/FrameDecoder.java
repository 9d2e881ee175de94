package dev.onelog.internal.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the byte stream into Kafka frames: a 4-byte big-endian size, then that many bytes. The size
 * is checked against the limit before anything is allocated; a frame that is too large or has a
 * negative size closes the connection, as Kafka's broker does, after which nothing else from it is
 * read. A connection's first frame may be at most {@link #MAX_FIRST_FRAME_BYTES}: a client's first
 * request is small (ApiVersions, Metadata), and a peer that speaks another protocol (HTTP, TLS)
 * sends a "size" of hundreds of megabytes that the server must not wait for.
 *
 * <p>A frame must also arrive whole within the arrival timeout of its first byte, or the connection
 * is closed: a slowloris client (a size, then a byte a second) or one that stops halfway would
 * otherwise hold its connection and its buffered bytes forever. The clock is a task on the
 * connection's event loop, started by a frame's first byte and cancelled by its last; it does not
 * run out while the server itself has stopped reading ({@link Connection} pauses a connection with
 * many requests in flight), since the missing bytes may then be waiting in the server's socket.
 * Rejected: restarting the clock on every byte, which a byte a second defeats.
 *
 * <p>Not thread-safe: one per connection, on its event loop.
 */
final class FrameDecoder extends ByteToMessageDecoder {
  private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

  /** The largest first frame of a connection, as Kafka's limit on a request before SASL. */
  static final int MAX_FIRST_FRAME_BYTES = 512 * 1024;

  private final int maxFrameBytes;
  private final long arrivalTimeoutNanos;
  private boolean first = true;

  /** Closes the connection when the frame begun has not all come in time; null between frames. */
  private ScheduledFuture<?> arrival;

  FrameDecoder(int maxFrameBytes, Duration arrivalTimeout) {
    this.maxFrameBytes = maxFrameBytes;
    this.arrivalTimeoutNanos = arrivalTimeout.toNanos();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 4) {
      awaitRest(ctx, in);
      return;
    }
    int size = in.getInt(in.readerIndex());
    int max = first ? Math.min(MAX_FIRST_FRAME_BYTES, maxFrameBytes) : maxFrameBytes;
    if (size < 0 || size > max) {
      in.skipBytes(in.readableBytes());
      throw new FrameTooLargeException(size, max);
    }
    if (in.readableBytes() < 4 + size) {
      awaitRest(ctx, in);
      return;
    }
    in.skipBytes(4);
    first = false;
    out.add(in.readRetainedSlice(size));
    stopClock();
  }

  /** Starts the arrival clock when {@code in} holds the first bytes of a frame. */
  private void awaitRest(ChannelHandlerContext ctx, ByteBuf in) {
    if (arrival == null && in.isReadable() && ctx.channel().isActive()) {
      arrival =
          ctx.executor().schedule(() -> tooSlow(ctx), arrivalTimeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void stopClock() {
    if (arrival != null) {
      arrival.cancel(false);
      arrival = null;
    }
  }

  /** On the event loop, when a frame has not all arrived within the timeout. */
  private void tooSlow(ChannelHandlerContext ctx) {
    if (!ctx.channel().config().isAutoRead()) {
      // The server stopped reading: the rest may be in its socket buffer. Wait another round.
      arrival =
          ctx.executor().schedule(() -> tooSlow(ctx), arrivalTimeoutNanos, TimeUnit.NANOSECONDS);
      return;
    }
    arrival = null;
    ByteBuf buffered = internalBuffer();
    int arrived = buffered.readableBytes();
    log.warn(
        "closing the connection from {}: {} bytes of a request of {} arrived in {} ms; a request"
            + " must arrive whole within that long of its first byte (onelog serve"
            + " --request-arrival-timeout)",
        ctx.channel().remoteAddress(),
        arrived,
        arrived >= 4 ? (4L + buffered.getInt(buffered.readerIndex())) + " bytes" : "unknown size",
        TimeUnit.NANOSECONDS.toMillis(arrivalTimeoutNanos));
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stopClock();
    super.channelInactive(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    stopClock();
  }

  /** A frame whose size prefix is negative or past the server's limit. */
  static final class FrameTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FrameTooLargeException(int size, int max) {
      super(
          "a request of "
              + size
              + " bytes; the server accepts at most "
              + max
              + " (onelog serve --max-request-bytes)");
    }
  }
}
