package dev.onelog.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a positive size in bytes: a whole number, optionally with a unit. The IEC units are powers
 * of 1024 (KiB, MiB, GiB, TiB); the SI units are powers of 1000 (KB, MB, GB, TB), as their names
 * say. Units are case-insensitive and a trailing B alone means bytes.
 */
final class SizeConverter implements ITypeConverter<Long> {
  static final String FORMS =
      "a whole number of bytes, optionally with a unit: 1024, 10KiB or 10KB, 5MiB or 5MB, 1GiB or 1GB"
          + " (KiB, MiB, GiB are powers of 1024; KB, MB, GB powers of 1000)";

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|kb|mib|mb|gib|gb|tib|tb)?");

  @Override
  public Long convert(String text) {
    return parse(text);
  }

  /**
   * @throws TypeConversionException naming the accepted forms
   */
  static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException("'" + text + "' is not a size; use " + FORMS);
    }
    long bytes;
    try {
      bytes = Math.multiplyExact(Long.parseLong(m.group(1)), multiplier(m.group(2)));
    } catch (NumberFormatException | ArithmeticException e) {
      throw new TypeConversionException(
          "size '" + text + "' is too large; the limit is " + Long.MAX_VALUE + " bytes");
    }
    if (bytes == 0) {
      throw new TypeConversionException("size '" + text + "' must be positive; use " + FORMS);
    }
    return bytes;
  }

  /** The largest IEC unit that divides the size exactly: {@code 10MiB}, {@code 1000}. */
  static String format(long bytes) {
    String[] units = {"TiB", "GiB", "MiB", "KiB"};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << (10 * (units.length - i));
      if (bytes != 0 && bytes % unit == 0) {
        return bytes / unit + units[i];
      }
    }
    return Long.toString(bytes);
  }

  /** For people: {@code 10485760 bytes (10MiB)}, or {@code 1000 bytes}. */
  static String describe(long bytes) {
    String unit = format(bytes);
    return bytes + " bytes" + (unit.equals(Long.toString(bytes)) ? "" : " (" + unit + ")");
  }

  private static long multiplier(String unit) {
    if (unit == null) {
      return 1;
    }
    return switch (unit) {
      case "b" -> 1;
      case "kib" -> 1L << 10;
      case "kb" -> 1_000;
      case "mib" -> 1L << 20;
      case "mb" -> 1_000_000;
      case "gib" -> 1L << 30;
      case "gb" -> 1_000_000_000;
      case "tib" -> 1L << 40;
      default -> 1_000_000_000_000L;
    };
  }
}
