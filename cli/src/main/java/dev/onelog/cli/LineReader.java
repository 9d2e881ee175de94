package dev.onelog.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without decoding it, so values keep their exact bytes. A line
 * ends at {@code \n}; a {@code \r} right before it is dropped too (as {@code readLine} does). A
 * last line without {@code \n} counts when it is not empty; an empty input has no lines.
 *
 * <p>After {@link #next()} returns true, the line is {@code buffer()[start() .. end())}, valid
 * until the next call. The buffer grows to hold the longest line. Not thread-safe.
 */
final class LineReader {
  private final InputStream in;
  private byte[] buffer;

  /** Bytes [position, limit) of the buffer are read but not yet returned. */
  private int position;

  private int limit;
  private int lineStart;
  private int lineEnd;
  private long lineNumber;
  private boolean eof;

  LineReader(InputStream in, int bufferBytes) {
    this.in = in;
    this.buffer = new byte[bufferBytes];
  }

  /** Moves to the next line; false at the end of the input. */
  boolean next() throws IOException {
    int scanFrom = position;
    while (true) {
      for (int i = scanFrom; i < limit; i++) {
        if (buffer[i] == '\n') {
          setLine(position, i);
          position = i + 1;
          return true;
        }
      }
      if (eof) {
        if (position == limit) {
          return false;
        }
        setLine(position, limit);
        position = limit;
        return true;
      }
      scanFrom = limit - position; // where the unscanned bytes will be after fill() moves them
      fill();
    }
  }

  /** Moves the unread bytes to the front (growing the buffer when they fill it) and reads more. */
  private void fill() throws IOException {
    int unread = limit - position;
    if (position > 0) {
      System.arraycopy(buffer, position, buffer, 0, unread);
    } else if (unread == buffer.length) {
      buffer = Arrays.copyOf(buffer, buffer.length * 2);
    }
    position = 0;
    limit = unread;
    int n = in.read(buffer, limit, buffer.length - limit);
    if (n < 0) {
      eof = true;
    } else {
      limit += n;
    }
  }

  private void setLine(int from, int to) {
    lineNumber++;
    lineStart = from;
    lineEnd = to > from && buffer[to - 1] == '\r' ? to - 1 : to;
  }

  byte[] buffer() {
    return buffer;
  }

  int start() {
    return lineStart;
  }

  int end() {
    return lineEnd;
  }

  /** The current line's number, counting from 1. */
  long lineNumber() {
    return lineNumber;
  }
}
