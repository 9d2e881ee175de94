package dev.onelog;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A stored record as {@link OneLog#scan} visits it: its key and value are views of the batch read
 * from the file, not copies, so a scan allocates little per record. A view is valid only during the
 * visit that receives it; keep {@link #toRecord()} to hold on to a record. Writing to the buffers
 * changes nothing stored.
 */
public interface RecordView {
  long offset();

  long timestampMs();

  /** The key's bytes from its position to its limit, or null for no key. */
  ByteBuffer key();

  /** The value's bytes from its position to its limit, or null for no value (a tombstone). */
  ByteBuffer value();

  /** The headers, decoded on each call; empty for none. */
  List<Header> headers();

  /** Key, value and encoded header bytes: what read limits and retention count. */
  int sizeInBytes();

  /** A copy of the record that outlives the visit. */
  LogRecord toRecord();
}
