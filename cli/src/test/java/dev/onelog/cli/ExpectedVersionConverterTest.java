package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.onelog.eventstore.ExpectedVersion;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ExpectedVersionConverterTest {
  private final ExpectedVersionConverter converter = new ExpectedVersionConverter();

  @Test
  void namesAndVersionsConvert() {
    assertEquals(ExpectedVersion.any(), converter.convert("any"));
    assertEquals(ExpectedVersion.noStream(), converter.convert("no-stream"));
    assertEquals(ExpectedVersion.streamExists(), converter.convert("exists"));
    assertEquals(ExpectedVersion.exactly(0), converter.convert("0"));
    assertEquals(ExpectedVersion.exactly(41), converter.convert("41"));
  }

  @Test
  void aWrongValueSaysWhatWouldBeRight() {
    assertEquals(
        "'latest' is not an expected version; use a version from 0, no-stream, exists or any",
        assertThrows(TypeConversionException.class, () -> converter.convert("latest"))
            .getMessage());
    assertEquals(
        "'-1' is not an expected version: versions start at 0; use no-stream for a stream"
            + " without events, or any for no check",
        assertThrows(TypeConversionException.class, () -> converter.convert("-1")).getMessage());
  }
}
