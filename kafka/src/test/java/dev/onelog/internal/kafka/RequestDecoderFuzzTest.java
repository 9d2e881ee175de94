package dev.onelog.internal.kafka;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Fuzzes what the server reads from a client before anything else: a frame cut by {@link
 * FrameDecoder} and decoded into a request by {@link RequestDecoder} with kafka-clients' generated
 * message classes. Contract on arbitrary bytes: a {@link Request}, or a {@link
 * RequestDecoder.MalformedRequestException} (which closes the connection), never another exception,
 * allocating in proportion to the frame. The test writes the frame's size prefix, so the fuzzer
 * works on the request itself (API key, version, correlation id, client id, body).
 *
 * <p>Regression inputs: {@code RequestDecoderFuzzTestInputs/requestDecodedOrRefused/}, one valid
 * request per API the server answers and every crash found.
 */
class RequestDecoderFuzzTest {
  private static final int MAX_FRAME_BYTES = 1024 * 1024;

  @FuzzTest(maxDuration = "3m")
  void requestDecodedOrRefused(byte[] frame) {
    Allocations.assertAtMost(
        4 * 1024 * 1024 + 512L * frame.length, "decoding a request", () -> decode(frame));
  }

  private static void decode(byte[] frame) {
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new FrameDecoder(MAX_FRAME_BYTES, Duration.ofSeconds(60)), new RequestDecoder());
    try {
      ByteBuffer sized = ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame);
      channel.writeInbound(Unpooled.wrappedBuffer(sized.array()));
      Request request = channel.readInbound();
      assertNotNull(request, "a whole frame decodes to a request or fails");
    } catch (DecoderException e) {
      assertInstanceOf(RequestDecoder.MalformedRequestException.class, e.getCause(), e.toString());
    } finally {
      channel.finishAndReleaseAll();
    }
  }
}
