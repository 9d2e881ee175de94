package dev.onelog.cli;

import java.math.BigDecimal;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a ratio from 0 to 1 written as a plain decimal ({@code 0.5}, {@code .1}, {@code 1}), as
 * Kafka's {@code min.cleanable.dirty.ratio}. Exponents, {@code NaN} and percentages are refused: a
 * script should mean one thing.
 */
final class RatioConverter implements ITypeConverter<Double> {
  static final String FORMS = "a decimal number from 0 to 1, such as 0.5, 0.1 or 1";

  private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d*)?|\\.\\d+");

  @Override
  public Double convert(String text) {
    return parse(text);
  }

  /**
   * @throws TypeConversionException naming the accepted forms
   */
  static double parse(String text) {
    String trimmed = text.trim();
    if (!DECIMAL.matcher(trimmed).matches()) {
      throw new TypeConversionException("'" + text + "' is not a ratio; use " + FORMS);
    }
    double ratio = Double.parseDouble(trimmed);
    if (ratio > 1) {
      throw new TypeConversionException("ratio '" + text + "' is above 1; use " + FORMS);
    }
    return ratio;
  }

  /** The shortest decimal that parses back to the ratio: {@code 0.5}, {@code 1}, {@code 0}. */
  static String format(double ratio) {
    return BigDecimal.valueOf(ratio).stripTrailingZeros().toPlainString();
  }
}
