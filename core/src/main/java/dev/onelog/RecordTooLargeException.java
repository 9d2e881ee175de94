package dev.onelog;

/** A record's encoded size (key, value and headers) is over the log's maximum record size. */
public class RecordTooLargeException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final long recordSizeBytes;
  private final long maxRecordSizeBytes;

  public RecordTooLargeException(String message, long recordSizeBytes, long maxRecordSizeBytes) {
    super(message);
    this.recordSizeBytes = recordSizeBytes;
    this.maxRecordSizeBytes = maxRecordSizeBytes;
  }

  public long recordSizeBytes() {
    return recordSizeBytes;
  }

  public long maxRecordSizeBytes() {
    return maxRecordSizeBytes;
  }
}
