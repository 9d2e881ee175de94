package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class SizeConverterTest {
  @Test
  void iecUnitsArePowersOf1024() {
    assertEquals(1024, SizeConverter.parse("1024"));
    assertEquals(10 * 1024, SizeConverter.parse("10KiB"));
    assertEquals(5L << 20, SizeConverter.parse("5MiB"));
    assertEquals(1L << 30, SizeConverter.parse("1GiB"));
    assertEquals(2L << 40, SizeConverter.parse("2TiB"));
  }

  @Test
  void siUnitsArePowersOf1000() {
    assertEquals(10_000, SizeConverter.parse("10KB"));
    assertEquals(5_000_000, SizeConverter.parse("5MB"));
    assertEquals(1_000_000_000, SizeConverter.parse("1GB"));
  }

  @Test
  void unitsAreCaseInsensitiveAndMayFollowASpace() {
    assertEquals(10 * 1024, SizeConverter.parse("10kib"));
    assertEquals(5_000_000, SizeConverter.parse("5 mb"));
    assertEquals(512, SizeConverter.parse("512B"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "KiB", "1.5MiB", "-1", "10XB", "10 parsecs", "10K"})
  void rejectsOtherFormsNamingTheAcceptedOnes(String text) {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> SizeConverter.parse(text));
    assertTrue(e.getMessage().contains(SizeConverter.FORMS), e.getMessage());
  }

  @Test
  void rejectsZeroAndOverflow() {
    assertTrue(
        assertThrows(TypeConversionException.class, () -> SizeConverter.parse("0"))
            .getMessage()
            .contains("positive"));
    assertTrue(
        assertThrows(TypeConversionException.class, () -> SizeConverter.parse("9000000TiB"))
            .getMessage()
            .contains("too large"));
    assertTrue(
        assertThrows(
                TypeConversionException.class, () -> SizeConverter.parse("99999999999999999999"))
            .getMessage()
            .contains("too large"));
  }

  @Test
  void formatsWithTheLargestExactIecUnit() {
    assertEquals("10MiB", SizeConverter.format(10L << 20));
    assertEquals("1536KiB", SizeConverter.format(1536 * 1024));
    assertEquals("1000", SizeConverter.format(1000));
    assertEquals("10485760 bytes (10MiB)", SizeConverter.describe(10L << 20));
    assertEquals("1000 bytes", SizeConverter.describe(1000));
  }
}
