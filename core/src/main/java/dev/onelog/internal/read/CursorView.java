package dev.onelog.internal.read;

import dev.onelog.Header;
import dev.onelog.LogRecord;
import dev.onelog.RecordView;
import dev.onelog.internal.storage.BatchCursor;
import dev.onelog.internal.storage.RecordCodec;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The record a {@link BatchCursor} is on, as a {@link RecordView}: follows the cursor, so one view
 * serves a whole batch. Not thread-safe.
 */
final class CursorView implements RecordView {
  private final BatchCursor cursor;
  private final String topic;
  private final int partition;

  CursorView(BatchCursor cursor, String topic, int partition) {
    this.cursor = cursor;
    this.topic = topic;
    this.partition = partition;
  }

  @Override
  public long offset() {
    return cursor.offset();
  }

  @Override
  public long timestampMs() {
    return cursor.timestampMs();
  }

  @Override
  public ByteBuffer key() {
    return cursor.keyView();
  }

  @Override
  public ByteBuffer value() {
    return cursor.valueView();
  }

  @Override
  public List<Header> headers() {
    return RecordCodec.decodeHeaders(cursor.headers());
  }

  @Override
  public int sizeInBytes() {
    return cursor.sizeInBytes();
  }

  @Override
  public LogRecord toRecord() {
    return new LogRecord(
        topic,
        partition,
        cursor.offset(),
        cursor.timestampMs(),
        cursor.key(),
        cursor.value(),
        headers());
  }
}
