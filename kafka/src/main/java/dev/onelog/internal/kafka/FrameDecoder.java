package dev.onelog.internal.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the byte stream into Kafka frames: a 4-byte big-endian size, then that many bytes. The size
 * is checked against the limit before anything is allocated; a frame that is too large or has a
 * negative size closes the connection, as Kafka's broker does, after which nothing else from it is
 * read.
 */
final class FrameDecoder extends ByteToMessageDecoder {
  private final int maxFrameBytes;

  FrameDecoder(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 4) {
      return;
    }
    int size = in.getInt(in.readerIndex());
    if (size < 0 || size > maxFrameBytes) {
      in.skipBytes(in.readableBytes());
      throw new FrameTooLargeException(size, maxFrameBytes);
    }
    if (in.readableBytes() < 4 + size) {
      return;
    }
    in.skipBytes(4);
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
