package dev.onelog.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Refuses an empty or blank group id as a usage error: most often an unset shell variable ({@code
 * --group "$GROUP"}), which the core would otherwise report as an unknown group. The core checks
 * the rest of the rule (its length).
 */
final class GroupIdConverter implements ITypeConverter<String> {
  @Override
  public String convert(String text) {
    if (text.isBlank()) {
      throw new TypeConversionException("a group id must not be empty or blank");
    }
    return text;
  }
}
