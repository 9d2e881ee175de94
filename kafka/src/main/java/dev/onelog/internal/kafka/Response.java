package dev.onelog.internal.kafka;

import io.netty.buffer.ByteBuf;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * The answer to one request, in the version the request was made in. ApiVersions always answers
 * with response header version 0, so that a client that asked in a version the server does not know
 * can still read the error.
 */
record Response(RequestHeader request, AbstractResponse body) {
  /**
   * The response as a frame (its size, header and body), serialized by kafka-clients, in buffers to
   * write in order; record buffers in it are the same memory as the response's records, not copies.
   */
  List<ByteBuf> toFrame() {
    short version = request.apiVersion();
    ApiKeys api = request.apiKey();
    short headerVersion = api == ApiKeys.API_VERSIONS ? 0 : api.responseHeaderVersion(version);
    return ResponseBuffers.of(
        SendBuilder.buildResponseSend(
            new ResponseHeader(request.correlationId(), headerVersion), body.data(), version));
  }
}
