package dev.onelog.kafka;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * One connection that sends requests as built, in the version built, and reads each response: for
 * what the Java clients would not send (an API the server does not advertise) or would answer some
 * other way (the admin client falls back to Metadata where an API is missing). Not thread-safe.
 */
final class RawConnection implements AutoCloseable {
  private final Socket socket;
  private final DataOutputStream out;
  private final DataInputStream in;
  private int correlationId;

  RawConnection(InetSocketAddress server) throws IOException {
    socket = new Socket(server.getAddress(), server.getPort());
    socket.setSoTimeout(10_000);
    out = new DataOutputStream(socket.getOutputStream());
    in = new DataInputStream(socket.getInputStream());
  }

  /** Sends {@code request} and waits up to 10 s for its response. */
  AbstractResponse send(ApiKeys api, AbstractRequest request) throws IOException {
    RequestHeader header = new RequestHeader(api, request.version(), "raw", ++correlationId);
    ByteBuffer buffer = request.serializeWithHeader(header);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
    byte[] frame = new byte[in.readInt()];
    in.readFully(frame);
    return AbstractResponse.parseResponse(ByteBuffer.wrap(frame), header);
  }

  /**
   * Sends {@code body}, a request's message data, in {@code version} (which may be one the Java
   * clients never send), and parses the response in that version; checks its correlation id.
   */
  AbstractResponse send(ApiKeys api, short version, ApiMessage body) throws IOException {
    int id = ++correlationId;
    ByteBuffer request =
        RequestUtils.serialize(
            new RequestHeaderData()
                .setRequestApiKey(api.id)
                .setRequestApiVersion(version)
                .setClientId("raw")
                .setCorrelationId(id),
            api.requestHeaderVersion(version),
            body,
            version);
    out.writeInt(request.remaining());
    out.write(request.array(), request.arrayOffset() + request.position(), request.remaining());
    out.flush();
    byte[] frame = new byte[in.readInt()];
    in.readFully(frame);
    ByteBuffer buffer = ByteBuffer.wrap(frame);
    short headerVersion = api == ApiKeys.API_VERSIONS ? 0 : api.responseHeaderVersion(version);
    int answered = ResponseHeader.parse(buffer, headerVersion).correlationId();
    if (answered != id) {
      throw new IOException("response to correlation id " + answered + ", expected " + id);
    }
    return AbstractResponse.parseResponse(api, new ByteBufferAccessor(buffer), version);
  }

  /**
   * Reads until the server closes the connection, up to 10 s; returns how long that took, in
   * milliseconds.
   *
   * @throws java.net.SocketTimeoutException when the connection is still open after 10 s
   */
  long millisUntilClosed() throws IOException {
    long start = System.nanoTime();
    try {
      while (in.read() >= 0) {
        // anything the server still sends
      }
    } catch (java.net.SocketException reset) {
      // closed with a reset: closed as well
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
