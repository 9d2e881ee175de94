package dev.onelog.cli;

import dev.onelog.eventstore.ExpectedVersion;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses {@code --expected-version}: a version from 0 (the stream's last event must have it),
 * {@code no-stream} (the stream must have no events), {@code exists} (it must have some) or {@code
 * any} (no check), as {@link ExpectedVersion#parse} reads them.
 */
final class ExpectedVersionConverter implements ITypeConverter<ExpectedVersion> {
  static final String FORMS = ExpectedVersion.FORMS;

  @Override
  public ExpectedVersion convert(String text) {
    try {
      return ExpectedVersion.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
