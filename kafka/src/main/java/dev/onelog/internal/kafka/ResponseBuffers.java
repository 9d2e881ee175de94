package dev.onelog.internal.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;

/**
 * Turns a kafka-clients {@link Send} (a serialized response: its size, header and body, with record
 * buffers referenced rather than copied) into Netty buffers that wrap the same memory, in order.
 * The "channel" the send writes to takes every buffer whole and keeps a view of it, so nothing is
 * copied on the way to the socket but Netty's own copy of each into a pooled direct buffer. They
 * stay separate buffers: Netty copies a composite of heap buffers into one direct buffer of the
 * whole response, merging it on the heap first, and a 16 MiB direct buffer is neither pooled nor
 * cheap (the kernel zeroes fresh pages for it on every fetch). Not thread-safe; one per response.
 */
final class ResponseBuffers implements TransferableChannel {
  private final List<ByteBuf> out = new ArrayList<>();

  /** The whole of {@code send}, wrapped, as buffers to write in order. */
  static List<ByteBuf> of(Send send) {
    ResponseBuffers buffers = new ResponseBuffers();
    try {
      while (!send.completed()) {
        if (send.writeTo(buffers) == 0 && !send.completed()) {
          throw new IllegalStateException("a response of " + send.size() + " bytes stopped");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("serializing a response", e);
    }
    return buffers.out;
  }

  @Override
  public long write(ByteBuffer[] sources, int offset, int length) {
    long written = 0;
    for (int i = offset; i < offset + length; i++) {
      written += write(sources[i]);
    }
    return written;
  }

  @Override
  public long write(ByteBuffer[] sources) {
    return write(sources, 0, sources.length);
  }

  @Override
  public int write(ByteBuffer source) {
    int bytes = source.remaining();
    if (bytes > 0) {
      out.add(Unpooled.wrappedBuffer(source.slice()));
      source.position(source.limit());
    }
    return bytes;
  }

  @Override
  public boolean hasPendingWrites() {
    return false;
  }

  @Override
  public long transferFrom(FileChannel file, long position, long count) {
    throw new UnsupportedOperationException("responses hold no file regions");
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void close() {}
}
