package dev.onelog;

/**
 * One row of a {@link Transaction#query} result, read by column: by 1-based index or by name. A
 * NULL reads as 0, null or false as JDBC's getters do; {@link #isNull} tells it apart. Valid only
 * inside the mapper it is given to.
 */
public interface Row {
  long getLong(int column);

  long getLong(String column);

  int getInt(int column);

  double getDouble(int column);

  String getString(int column);

  String getString(String column);

  byte[] getBytes(int column);

  boolean isNull(int column);
}
