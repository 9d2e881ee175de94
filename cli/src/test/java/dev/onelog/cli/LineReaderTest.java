package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {
  private static List<String> lines(String input, int bufferBytes) throws IOException {
    return lines(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), bufferBytes);
  }

  private static List<String> lines(InputStream in, int bufferBytes) throws IOException {
    LineReader reader = new LineReader(in, bufferBytes);
    List<String> lines = new ArrayList<>();
    while (reader.next()) {
      assertEquals(lines.size() + 1, reader.lineNumber());
      lines.add(
          new String(
              Arrays.copyOfRange(reader.buffer(), reader.start(), reader.end()),
              StandardCharsets.UTF_8));
    }
    return lines;
  }

  @Test
  void emptyInputHasNoLines() throws IOException {
    assertEquals(List.of(), lines("", 16));
  }

  @Test
  void emptyLinesCountAndTheLastNewlineEndsTheInput() throws IOException {
    assertEquals(List.of("a", "", "b"), lines("a\n\nb\n", 16));
    assertEquals(List.of(""), lines("\n", 16));
  }

  @Test
  void lastLineWithoutNewlineCounts() throws IOException {
    assertEquals(List.of("a", "b"), lines("a\nb", 16));
  }

  @Test
  void carriageReturnBeforeNewlineIsDropped() throws IOException {
    assertEquals(List.of("a", "b\rc", "d"), lines("a\r\nb\rc\nd\r", 16));
  }

  @Test
  void linesLongerThanTheBufferGrowIt() throws IOException {
    String longLine = "x".repeat(100);
    assertEquals(
        List.of("a", longLine, "b", longLine), lines("a\n" + longLine + "\nb\n" + longLine, 4));
  }

  @Test
  void shortReadsSplitLinesAnywhere() throws IOException {
    byte[] input = "first line\nsecond\n\nthird one here\n".getBytes(StandardCharsets.UTF_8);
    InputStream oneByteAtATime =
        new ByteArrayInputStream(input) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1));
          }
        };
    assertEquals(List.of("first line", "second", "", "third one here"), lines(oneByteAtATime, 8));
  }
}
