package dev.onelog.internal.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.ByteBuffer;

/** Writes a {@link Response} as a frame: its size, then its header and body. */
final class ResponseEncoder extends MessageToByteEncoder<Response> {
  @Override
  protected void encode(ChannelHandlerContext ctx, Response response, ByteBuf out) {
    ByteBuffer bytes = response.serialize();
    out.writeInt(bytes.remaining());
    out.writeBytes(bytes);
  }
}
