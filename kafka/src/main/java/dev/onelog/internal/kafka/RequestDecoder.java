package dev.onelog.internal.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Decodes a frame into a {@link Request} with kafka-clients' own classes. The frame is copied into
 * a heap buffer first: a produce request's records keep pointing into it after decoding, and
 * Netty's buffer goes back to its pool.
 *
 * <p>An ApiVersions request in a version newer than the server knows becomes a request without a
 * body, which {@link Apis} answers in version 0 with UNSUPPORTED_VERSION and the server's versions,
 * as the protocol asks, so that the client retries in one it supports. Anything else that cannot be
 * decoded (an unknown API key, a version kafka-clients cannot read, a truncated body) closes the
 * connection: there is no response a client could read, and Kafka's broker does the same.
 */
final class RequestDecoder extends MessageToMessageDecoder<ByteBuf> {
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    int size = frame.readableBytes();
    ByteBuffer buffer = ByteBuffer.allocate(size);
    frame.readBytes(buffer);
    buffer.flip();
    if (size < 4) {
      throw new MalformedRequestException("a request of " + size + " bytes has no header");
    }
    short apiKey = buffer.getShort(0);
    short version = buffer.getShort(2);
    if (!ApiKeys.hasId(apiKey)) {
      throw new MalformedRequestException("unknown API key " + apiKey);
    }
    ApiKeys api = ApiKeys.forId(apiKey);
    if (api == ApiKeys.API_VERSIONS && !api.isVersionSupported(version)) {
      // Answered in version 0, in its turn among the connection's requests.
      if (size < 8) {
        throw new MalformedRequestException(
            "an ApiVersions request of " + size + " bytes has no correlation id");
      }
      int correlationId = buffer.getInt(4);
      out.add(
          new Request(
              new RequestHeader(api, (short) 0, null, correlationId), null, size, host(ctx)));
      return;
    }
    RequestHeader header;
    AbstractRequest body;
    try {
      header = RequestHeader.parse(buffer);
      body = AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(buffer)).request;
    } catch (RuntimeException e) {
      throw new MalformedRequestException(
          "could not read " + api + " version " + version + ": " + e.getMessage(), e);
    }
    out.add(new Request(header, body, size, host(ctx)));
  }

  /** The client's address as Kafka shows it in DescribeGroups: "/127.0.0.1". */
  private static String host(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress address
        ? "/" + address.getAddress().getHostAddress()
        : String.valueOf(ctx.channel().remoteAddress());
  }

  /** A frame that is not a request the server can answer; its connection is closed. */
  static final class MalformedRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedRequestException(String message) {
      super(message);
    }

    MalformedRequestException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
