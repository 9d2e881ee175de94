package dev.onelog.cli;

import dev.onelog.LogRecord;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Prints records for {@code consume}, one a line in a {@link RecordFormat}, through one large
 * buffer of raw bytes: a million short records cost one {@code write} per 64 KiB, not one per
 * record. Nothing reaches the stream before {@link #flush}, or before the buffer fills. Not
 * thread-safe.
 */
final class RecordPrinter {
  static final int OUTPUT_BUFFER_BYTES = 1 << 16;

  private final RecordFormat format;
  private final byte[] keySeparator;
  private final OutputStream out;
  private final LineBuffer line = new LineBuffer();

  RecordPrinter(RecordFormat format, String keySeparator, OutputStream out) {
    this.format = format;
    this.keySeparator = keySeparator.getBytes(StandardCharsets.UTF_8);
    this.out = new BufferedOutputStream(out, OUTPUT_BUFFER_BYTES);
  }

  void print(LogRecord record) throws IOException {
    format.append(record, keySeparator, line);
    line.append((byte) '\n').writeTo(out);
  }

  /** Writes what is buffered; once it returns, every record printed so far was written. */
  void flush() throws IOException {
    out.flush();
  }

  /** Whether writing failed because the reader closed the pipe ({@code | head -1}). */
  static boolean isBrokenPipe(IOException e) {
    return String.valueOf(e.getMessage()).contains("Broken pipe");
  }
}
