package dev.onelog.internal.write;

/**
 * A record ready for the writer: partition chosen, timestamp stamped, headers encoded and size
 * checked, all on the sending thread, so that the writer thread only batches and inserts. {@code
 * topicId} is the id the sender saw; the writer checks it against the file.
 */
public record EncodedRecord(
    String topic,
    long topicId,
    int partition,
    long timestampMs,
    byte[] key,
    byte[] value,
    byte[] headers,
    int sizeInBytes) {}
