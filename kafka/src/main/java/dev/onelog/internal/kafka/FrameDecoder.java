package dev.onelog.internal.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the byte stream into Kafka frames: a 4-byte big-endian size, then that many bytes. The size
 * is checked against the limit before anything is allocated; a frame that is too large or has a
 * negative size closes the connection, as Kafka's broker does, after which nothing else from it is
 * read. A connection's first frame may be at most {@link #MAX_FIRST_FRAME_BYTES}: a client's first
 * request is small (ApiVersions, Metadata), and a peer that speaks another protocol (HTTP, TLS)
 * sends a "size" of hundreds of megabytes that the server must not wait for.
 *
 * <p>Not thread-safe: one per connection, on its event loop.
 */
final class FrameDecoder extends ByteToMessageDecoder {
  /** The largest first frame of a connection, as Kafka's limit on a request before SASL. */
  static final int MAX_FIRST_FRAME_BYTES = 512 * 1024;

  private final int maxFrameBytes;
  private boolean first = true;

  FrameDecoder(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 4) {
      return;
    }
    int size = in.getInt(in.readerIndex());
    int max = first ? Math.min(MAX_FIRST_FRAME_BYTES, maxFrameBytes) : maxFrameBytes;
    if (size < 0 || size > max) {
      in.skipBytes(in.readableBytes());
      throw new FrameTooLargeException(size, max);
    }
    if (in.readableBytes() < 4 + size) {
      return;
    }
    in.skipBytes(4);
    first = false;
    out.add(in.readRetainedSlice(size));
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
