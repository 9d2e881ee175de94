package dev.onelog.internal.kafka;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes a {@link Response} as a frame: its size, then its header and body, serialized once by
 * kafka-clients into buffers that Netty writes as they are (wrapped, not copied: a fetch's response
 * holds megabytes of stored batches, see {@link StoredRecords}).
 */
final class ResponseEncoder extends MessageToMessageEncoder<Response> {
  @Override
  protected void encode(ChannelHandlerContext ctx, Response response, List<Object> out) {
    out.addAll(response.toFrame());
  }
}
