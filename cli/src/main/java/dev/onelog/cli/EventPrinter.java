package dev.onelog.cli;

import dev.onelog.eventstore.RecordedEvent;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Prints events one a line in an {@link EventFormat}, through one buffer of raw bytes, as {@link
 * RecordPrinter} prints records. Nothing reaches the stream before {@link #flush}, or before the
 * buffer fills. Not thread-safe.
 */
final class EventPrinter {
  private final EventFormat format;
  private final OutputStream out;
  private final LineBuffer line = new LineBuffer();

  EventPrinter(EventFormat format, OutputStream out) {
    this.format = format;
    this.out = new BufferedOutputStream(out, RecordPrinter.OUTPUT_BUFFER_BYTES);
  }

  void print(RecordedEvent event) throws IOException {
    format.append(event, line);
    line.append((byte) '\n').writeTo(out);
  }

  void flush() throws IOException {
    out.flush();
  }
}
