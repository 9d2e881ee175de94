package dev.onelog.cli;

import dev.onelog.eventstore.ExpectedVersion;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses {@code --expected-version}: a version from 0 (the stream's last event must have it),
 * {@code no-stream} (the stream must have no events), {@code exists} (it must have some) or {@code
 * any} (no check).
 */
final class ExpectedVersionConverter implements ITypeConverter<ExpectedVersion> {
  static final String FORMS = "a version from 0, no-stream, exists or any";

  @Override
  public ExpectedVersion convert(String text) {
    switch (text) {
      case "any":
        return ExpectedVersion.any();
      case "no-stream":
        return ExpectedVersion.noStream();
      case "exists":
        return ExpectedVersion.streamExists();
      default:
        break;
    }
    long version;
    try {
      version = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + text + "' is not an expected version; use " + FORMS);
    }
    if (version < 0) {
      throw new TypeConversionException(
          "'"
              + text
              + "' is not an expected version: versions start at 0; use no-stream for a stream"
              + " without events, or any for no check");
    }
    return ExpectedVersion.exactly(version);
  }
}
