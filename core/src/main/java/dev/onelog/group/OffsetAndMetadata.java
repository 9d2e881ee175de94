package dev.onelog.group;

/**
 * A committed position of a group in one partition: {@code offset} is the next offset the group
 * will read there (the last processed offset + 1, as in Kafka), {@code metadata} any string the
 * committer attaches (at most {@value #MAX_METADATA_LENGTH} characters), empty by default.
 */
public record OffsetAndMetadata(long offset, String metadata) {
  public static final int MAX_METADATA_LENGTH = 4096;

  public OffsetAndMetadata {
    if (offset < 0) {
      throw new IllegalArgumentException("offset < 0: " + offset);
    }
    metadata = metadata == null ? "" : metadata;
    if (metadata.length() > MAX_METADATA_LENGTH) {
      throw new IllegalArgumentException(
          "metadata is "
              + metadata.length()
              + " characters; the limit is "
              + MAX_METADATA_LENGTH
              + " (Kafka's offset.metadata.max.bytes default)");
    }
  }

  public static OffsetAndMetadata of(long offset) {
    return new OffsetAndMetadata(offset, "");
  }
}
