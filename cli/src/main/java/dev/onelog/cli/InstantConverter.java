package dev.onelog.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses an ISO-8601 instant ({@code 2024-05-01T12:00:00Z}) or date-time with an offset ({@code
 * 2024-05-01T14:00:00+02:00}). A time without a zone is refused rather than read in the machine's
 * zone, which would make a script's meaning depend on where it runs.
 */
final class InstantConverter implements ITypeConverter<Instant> {
  @Override
  public Instant convert(String text) {
    return parse(text);
  }

  static Instant parse(String text) {
    try {
      return OffsetDateTime.parse(text.trim()).toInstant();
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'"
              + text
              + "' is not an ISO-8601 time with a zone;"
              + " use an instant such as 2024-05-01T12:00:00Z or an offset date-time such as 2024-05-01T14:00:00+02:00");
    }
  }
}
