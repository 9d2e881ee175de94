package dev.onelog.internal.kafka;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Writes a {@link Response} as a frame: its size, then its header and body, serialized once by
 * kafka-clients into a buffer that Netty writes as it is (wrapped, not copied: a fetch's response
 * holds megabytes of records).
 */
final class ResponseEncoder extends MessageToMessageEncoder<Response> {
  @Override
  protected void encode(ChannelHandlerContext ctx, Response response, List<Object> out) {
    ByteBuffer bytes = response.serialize();
    ByteBuffer size = ByteBuffer.allocate(4).putInt(0, bytes.remaining());
    out.add(Unpooled.wrappedBuffer(size, bytes));
  }
}
