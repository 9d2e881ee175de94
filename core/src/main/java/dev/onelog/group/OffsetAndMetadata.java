package dev.onelog.group;

/**
 * A committed position of a group in one partition: {@code offset} is the next offset the group
 * will read there (the last processed offset + 1, as in Kafka), {@code metadata} any string the
 * committer attaches, empty by default. A commit refuses metadata longer than {@value
 * #MAX_METADATA_LENGTH} UTF-16 code units; what another program stored is read as it is.
 */
public record OffsetAndMetadata(long offset, String metadata) {
  public static final int MAX_METADATA_LENGTH = 4096;

  public OffsetAndMetadata {
    if (offset < 0) {
      throw new IllegalArgumentException("offset < 0: " + offset);
    }
    metadata = metadata == null ? "" : metadata;
  }

  public static OffsetAndMetadata of(long offset) {
    return new OffsetAndMetadata(offset, "");
  }
}
