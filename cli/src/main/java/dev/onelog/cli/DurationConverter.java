package dev.onelog.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a positive duration: a whole number with a unit ({@code 500ms}, {@code 45s}, {@code 30m},
 * {@code 12h}, {@code 7d}) or ISO-8601 ({@code PT1H}, {@code P7D}). A day is 24 hours, as in
 * Kafka's {@code retention.ms}. {@link ZeroOrMore} also accepts zero, for settings where zero means
 * "none" (a compaction lag, a delete retention).
 */
final class DurationConverter implements ITypeConverter<Duration> {
  static final String FORMS =
      "a whole number with a unit (500ms, 45s, 30m, 12h, 7d) or ISO-8601 (PT1H, P7D)";

  private static final Pattern NUMBER_WITH_UNIT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  @Override
  public Duration convert(String text) {
    return parse(text);
  }

  /**
   * @throws TypeConversionException naming the accepted forms
   */
  static Duration parse(String text) {
    Duration duration = parseAnySign(text);
    if (duration.isNegative() || duration.isZero()) {
      throw new TypeConversionException("duration '" + text + "' must be positive; use " + FORMS);
    }
    return duration;
  }

  /**
   * As {@link #parse}, but zero ({@code 0s}, {@code 0ms}) is accepted.
   *
   * @throws TypeConversionException naming the accepted forms
   */
  static Duration parseZeroOrMore(String text) {
    Duration duration = parseAnySign(text);
    if (duration.isNegative()) {
      throw new TypeConversionException(
          "duration '" + text + "' must be zero or positive; use " + FORMS);
    }
    return duration;
  }

  private static Duration parseAnySign(String text) {
    String trimmed = text.trim();
    Duration duration;
    try {
      duration =
          trimmed.toUpperCase(Locale.ROOT).startsWith("P")
              ? Duration.parse(trimmed)
              : withUnit(trimmed);
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      duration = null;
    }
    if (duration == null) {
      throw new TypeConversionException("'" + text + "' is not a duration; use " + FORMS);
    }
    return duration;
  }

  /**
   * The shortest exact form: {@code 7d} rather than {@code 168h}, {@code 1500ms} rather than {@code
   * PT1.5S}.
   */
  static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s"; // not "0d", which every unit would divide
    }
    long ms = duration.toMillis();
    if (!Duration.ofMillis(ms).equals(duration)) {
      return duration.toString();
    }
    long[] unitMs = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < unitMs.length; i++) {
      if (ms % unitMs[i] == 0) {
        return ms / unitMs[i] + units[i];
      }
    }
    return ms + "ms";
  }

  /** For options that accept zero: {@code --min-compaction-lag 0s}. */
  static final class ZeroOrMore implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      return parseZeroOrMore(text);
    }
  }

  private static Duration withUnit(String text) {
    Matcher m = NUMBER_WITH_UNIT.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }
}
