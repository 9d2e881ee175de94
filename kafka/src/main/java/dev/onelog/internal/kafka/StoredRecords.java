package dev.onelog.internal.kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.RecordsSend;

/**
 * A partition's records in a fetch response as the stored batches that hold them, one buffer each,
 * written to the connection as they are: a fetch of 16 MiB is not gathered into one buffer first
 * (two 16 MiB allocations per fetch kept a fresh server's first reads at half speed, the kernel
 * zeroing heap pages it had never touched). Only {@link ResponseBuffers} writes it.
 */
final class StoredRecords implements BaseRecords {
  private final List<ByteBuffer> batches;
  private final int size;

  StoredRecords(List<ByteBuffer> batches) {
    this.batches = List.copyOf(batches);
    long total = 0;
    for (ByteBuffer batch : this.batches) {
      total += batch.remaining();
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("stored batches of " + total + " bytes exceed a response");
    }
    this.size = (int) total;
  }

  @Override
  public int sizeInBytes() {
    return size;
  }

  @Override
  public RecordsSend<StoredRecords> toSend() {
    return new RecordsSend<>(this, size) {
      @Override
      protected int writeTo(TransferableChannel channel, int previouslyWritten, int remaining)
          throws IOException {
        if (previouslyWritten != 0) {
          throw new IOException("stored records are written whole, not resumed");
        }
        ByteBuffer[] buffers = new ByteBuffer[batches.size()];
        for (int i = 0; i < buffers.length; i++) {
          buffers[i] = batches.get(i).duplicate();
        }
        return (int) channel.write(buffers);
      }
    };
  }

  @Override
  public String toString() {
    return "StoredRecords(" + batches.size() + " batches, " + size + " bytes)";
  }
}
