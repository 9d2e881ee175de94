package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class RatioConverterTest {
  @Test
  void parsesDecimalsFromZeroToOne() {
    assertEquals(0.5, RatioConverter.parse("0.5"));
    assertEquals(0.1, RatioConverter.parse(".1"));
    assertEquals(0.0, RatioConverter.parse("0"));
    assertEquals(1.0, RatioConverter.parse("1"));
    assertEquals(1.0, RatioConverter.parse("1.0"));
    assertEquals(0.25, RatioConverter.parse(" 0.25 "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "half", "-0.1", "50%", "5e-1", "NaN", "Infinity", "0x1p-1"})
  void rejectsOtherFormsNamingTheAcceptedOnes(String text) {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> RatioConverter.parse(text));
    assertTrue(e.getMessage().contains(RatioConverter.FORMS), e.getMessage());
    assertTrue(e.getMessage().contains("is not a ratio"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.01", "2", "50"})
  void rejectsAboveOne(String text) {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> RatioConverter.parse(text));
    assertTrue(e.getMessage().contains("is above 1"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.5", "0.1", "1", "0", "0.333"})
  void formatRoundTrips(String text) {
    assertEquals(text, RatioConverter.format(RatioConverter.parse(text)));
  }
}
