package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  @Test
  void parsesEveryUnit() {
    assertEquals(Duration.ofDays(7), DurationConverter.parse("7d"));
    assertEquals(Duration.ofHours(12), DurationConverter.parse("12h"));
    assertEquals(Duration.ofMinutes(30), DurationConverter.parse("30m"));
    assertEquals(Duration.ofSeconds(45), DurationConverter.parse("45s"));
    assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
    assertEquals(Duration.ofHours(2), DurationConverter.parse(" 2H "));
  }

  @Test
  void parsesIso8601() {
    assertEquals(Duration.ofHours(1), DurationConverter.parse("PT1H"));
    assertEquals(Duration.ofDays(7), DurationConverter.parse("P7D"));
    assertEquals(Duration.ofMillis(1500), DurationConverter.parse("pt1.5s"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "7",
        "d",
        "7 days",
        "7y",
        "1.5h",
        "-1h",
        "PT",
        "P1Y",
        "99999999999999999999d",
        "106751991167301d"
      })
  void rejectsOtherFormsNamingTheAcceptedOnes(String text) {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> DurationConverter.parse(text));
    assertTrue(e.getMessage().contains(DurationConverter.FORMS), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "0ms", "PT0S", "PT-1H"})
  void rejectsZeroAndNegative(String text) {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> DurationConverter.parse(text));
    assertTrue(e.getMessage().contains("must be positive"), e.getMessage());
  }

  @Test
  void formatsWithTheLargestExactUnit() {
    assertEquals("7d", DurationConverter.format(Duration.ofDays(7)));
    assertEquals("36h", DurationConverter.format(Duration.ofHours(36)));
    assertEquals("90m", DurationConverter.format(Duration.ofMinutes(90)));
    assertEquals("61s", DurationConverter.format(Duration.ofSeconds(61)));
    assertEquals("1500ms", DurationConverter.format(Duration.ofMillis(1500)));
    assertEquals("PT0.0000001S", DurationConverter.format(Duration.ofNanos(100)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"7d", "36h", "90m", "61s", "1500ms"})
  void formatRoundTrips(String text) {
    assertEquals(text, DurationConverter.format(DurationConverter.parse(text)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "0ms", "0d", "PT0S"})
  void zeroOrMoreAcceptsZero(String text) {
    assertEquals(Duration.ZERO, DurationConverter.parseZeroOrMore(text));
  }

  @Test
  void zeroOrMoreAcceptsPositiveAndRejectsNegative() {
    assertEquals(Duration.ofHours(1), DurationConverter.parseZeroOrMore("1h"));
    TypeConversionException e =
        assertThrows(
            TypeConversionException.class, () -> DurationConverter.parseZeroOrMore("PT-1H"));
    assertTrue(e.getMessage().contains("must be zero or positive"), e.getMessage());
    e =
        assertThrows(
            TypeConversionException.class, () -> DurationConverter.parseZeroOrMore("soon"));
    assertTrue(e.getMessage().contains(DurationConverter.FORMS), e.getMessage());
  }

  @Test
  void formatsZeroInSeconds() {
    assertEquals("0s", DurationConverter.format(Duration.ZERO));
    assertEquals(
        Duration.ZERO, DurationConverter.parseZeroOrMore(DurationConverter.format(Duration.ZERO)));
  }
}
